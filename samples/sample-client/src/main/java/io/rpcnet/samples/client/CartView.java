package io.rpcnet.samples.client;

/**
 * A cart as a call returned it.
 *
 * @param sessionId the session holding the cart
 * @param worker    the member id of the worker that answered
 * @param items     how many items the cart holds
 * @param last      the item added last, or {@code null}
 */
public record CartView(String sessionId, String worker, int items, String last) {
}
