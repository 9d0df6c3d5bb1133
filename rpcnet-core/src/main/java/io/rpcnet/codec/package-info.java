/** Payload serialization: the {@link io.rpcnet.codec.RpcCodec} SPI, Jackson JSON by default, raw bytes. */
package io.rpcnet.codec;
