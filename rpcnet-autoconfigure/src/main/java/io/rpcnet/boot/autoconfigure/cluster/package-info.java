/** Auto-configuration of the director/worker cluster ({@code rpcnet.cluster.*}) and its Actuator views. */
package io.rpcnet.boot.autoconfigure.cluster;
