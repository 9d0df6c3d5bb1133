/**
 * The service model shared by server and client: descriptors built from Java interfaces, stream observers,
 * deadlines, and the bounded inbound buffers both sides use for backpressure.
 */
package io.rpcnet.service;
