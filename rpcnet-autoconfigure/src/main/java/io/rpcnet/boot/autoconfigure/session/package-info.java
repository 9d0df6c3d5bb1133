/** Auto-configuration of the sessions a worker serves ({@code rpcnet.session.*}). */
package io.rpcnet.boot.autoconfigure.session;
