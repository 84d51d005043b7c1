package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JNDI DNS path against a small SRV-only name server on loopback. */
class SystemHostResolverTest {

    private static final int TYPE_SRV = 33;

    /** SRV answers by name: (port, target) pairs in answer order. */
    private static final Map<String, List<Map.Entry<Integer, String>>> ZONE = Map.of(
            "_sip._udp.example.test", List.of(Map.entry(5060, "sip1.example.test."), Map.entry(5060, "sip2.example.test.")));

    private DatagramSocket server;
    private Thread serving;

    @BeforeEach
    void startNameServer() throws Exception {
        server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        serving = new Thread(this::serve, "test-dns");
        serving.setDaemon(true);
        serving.start();
    }

    @AfterEach
    void stopNameServer() throws Exception {
        server.close();
        serving.join(2000);
    }

    private SystemHostResolver resolver() {
        return new SystemHostResolver("dns://127.0.0.1:" + server.getLocalPort());
    }

    @Test
    void srvTargetsComeInAnswerOrderWithoutTheTrailingDot() {
        assertEquals(List.of("sip1.example.test", "sip2.example.test"), resolver().srvTargets("_sip._udp.example.test"));
    }

    @Test
    void missingSrvRecordGivesNoTargets() {
        assertEquals(List.of(), resolver().srvTargets("_sip._udp.other.test"));
    }

    @Test
    void hostNamesGoThroughTheSystemResolver() throws Exception {
        assertEquals("127.0.0.1", resolver().address("localhost").getHostAddress());
        assertEquals("198.18.0.7", resolver().address("198.18.0.7").getHostAddress());
        assertThrows(UnknownHostException.class, () -> resolver().address("no-such-host.invalid"));
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!server.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                server.receive(packet);
                byte[] answer = answer(ByteBuffer.wrap(packet.getData(), 0, packet.getLength()));
                server.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Answers one query: the SRV records of the zone, or NXDOMAIN. */
    private static byte[] answer(ByteBuffer query) {
        short id = query.getShort();
        query.position(12);
        StringBuilder name = new StringBuilder();
        for (int length; (length = query.get() & 0xff) != 0;) {
            byte[] label = new byte[length];
            query.get(label);
            name.append(name.length() == 0 ? "" : ".").append(new String(label, StandardCharsets.US_ASCII));
        }
        int type = query.getShort() & 0xffff;
        int questionEnd = query.position() + 2;
        List<Map.Entry<Integer, String>> records = type == TYPE_SRV ? ZONE.get(name.toString()) : null;

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(12);
        header.putShort(id);
        header.putShort((short) (records == null ? 0x8183 : 0x8180));
        header.putShort((short) 1).putShort((short) (records == null ? 0 : records.size())).putShort((short) 0).putShort((short) 0);
        out.writeBytes(header.array());
        out.write(query.array(), 12, questionEnd - 12);
        if (records != null) {
            for (Map.Entry<Integer, String> record : records) {
                byte[] target = encodeName(record.getValue());
                ByteBuffer rr = ByteBuffer.allocate(12 + 6 + target.length);
                rr.putShort((short) 0xc00c).putShort((short) TYPE_SRV).putShort((short) 1).putInt(60);
                rr.putShort((short) (6 + target.length));
                rr.putShort((short) 10).putShort((short) 50).putShort(record.getKey().shortValue()).put(target);
                out.writeBytes(rr.array());
            }
        }
        return out.toByteArray();
    }

    private static byte[] encodeName(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.write(0);
        return out.toByteArray();
    }
}
