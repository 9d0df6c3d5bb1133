/**
 * Helpers shared by the migration sub-packages (identifier checks, varints). Not an API: public only
 * because Java has no sub-package visibility; may change without notice.
 */
package io.rpcnet.migration.internal;
