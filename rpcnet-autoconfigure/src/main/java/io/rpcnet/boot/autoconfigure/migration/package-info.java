/**
 * Auto-configuration of live session migration ({@code rpcnet.migration.*}): the participant on workers, the
 * coordinator and drain handler on the director, and the shared keys.
 */
package io.rpcnet.boot.autoconfigure.migration;
