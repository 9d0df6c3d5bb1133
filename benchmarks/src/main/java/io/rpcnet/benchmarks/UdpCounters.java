package io.rpcnet.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Host-wide UDP counters from {@code /proc/net/snmp} (Linux; zeros elsewhere). gRPC runs over TCP, so
 * deltas around an RpcNet run are RpcNet's (plus whatever else on the host uses UDP at the time).
 */
record UdpCounters(long inDatagrams, long outDatagrams, long rcvbufErrors, long sndbufErrors) {

    private static final Path SNMP = Path.of("/proc/net/snmp");

    static UdpCounters read() {
        try {
            List<String> udp = Files.readAllLines(SNMP).stream().filter(l -> l.startsWith("Udp:")).toList();
            if (udp.size() < 2) {
                return new UdpCounters(0, 0, 0, 0);
            }
            List<String> names = Arrays.asList(udp.get(0).trim().split("\\s+"));
            String[] values = udp.get(1).trim().split("\\s+");
            return new UdpCounters(value(names, values, "InDatagrams"), value(names, values, "OutDatagrams"),
                    value(names, values, "RcvbufErrors"), value(names, values, "SndbufErrors"));
        } catch (IOException | RuntimeException e) {
            return new UdpCounters(0, 0, 0, 0);
        }
    }

    private static long value(List<String> names, String[] values, String name) {
        int i = names.indexOf(name);
        return i < 0 || i >= values.length ? 0 : Long.parseLong(values[i]);
    }

    UdpCounters minus(UdpCounters o) {
        return new UdpCounters(inDatagrams - o.inDatagrams, outDatagrams - o.outDatagrams,
                rcvbufErrors - o.rcvbufErrors, sndbufErrors - o.sndbufErrors);
    }

    UdpCounters plus(UdpCounters o) {
        return new UdpCounters(inDatagrams + o.inDatagrams, outDatagrams + o.outDatagrams,
                rcvbufErrors + o.rcvbufErrors, sndbufErrors + o.sndbufErrors);
    }
}
