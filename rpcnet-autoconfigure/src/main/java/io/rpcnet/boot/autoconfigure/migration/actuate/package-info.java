/**
 * Actuator for live migration: endpoint {@code migration}, health {@code migration}, {@code rpcnet.migration.*}
 * meters and the {@code rpcnet.sessions.active} gauge.
 */
package io.rpcnet.boot.autoconfigure.migration.actuate;
