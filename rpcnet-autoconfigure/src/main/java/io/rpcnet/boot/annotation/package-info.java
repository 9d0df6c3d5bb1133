/** The annotations applications use: {@code @RpcService}, {@code @RpcClient} and friends. */
package io.rpcnet.boot.annotation;
