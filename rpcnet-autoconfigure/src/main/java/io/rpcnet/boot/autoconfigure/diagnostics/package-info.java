/** Failure analyzers that turn RpcNet startup failures into messages naming the property and the fix. */
package io.rpcnet.boot.autoconfigure.diagnostics;
