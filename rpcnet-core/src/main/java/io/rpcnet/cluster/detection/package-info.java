/**
 * Failure detection: the phi accrual failure detector (Hayashibara et al., 2004), in the form Akka and
 * Cassandra use. It turns heartbeat arrival times into a continuous suspicion level instead of a fixed
 * timeout, so it adapts to each member's observed heartbeat rhythm. Time is always passed in.
 */
package io.rpcnet.cluster.detection;
