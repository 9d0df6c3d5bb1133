/**
 * Webhook notifications of live-migration outcomes from the director ({@code rpcnet.migration.notifications.*}).
 */
package io.rpcnet.boot.autoconfigure.migration.notification;
