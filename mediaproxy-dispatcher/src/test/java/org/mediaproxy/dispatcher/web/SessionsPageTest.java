package org.mediaproxy.dispatcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sessions page in a real browser (Debian's headless Chromium), against a real
 * {@link WebServer} whose dispatcher state is the original 4.1.2's demo call.
 *
 * <p>To look at the page: {@code -Dmediaproxy.web.screenshot=/tmp/sessions.png} keeps the
 * screenshot this test takes.
 */
class SessionsPageTest {

    private static final Pattern ROW = Pattern.compile("<tr\\b[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td\\b[^>]*>(.*?)</td>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]+>");

    private static MultiThreadIoEventLoopGroup group;
    @TempDir
    Path scratch;
    private FakeLiveView view;
    private WebServer server;
    private Chromium chromium;

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws Exception {
        chromium = new Chromium(scratch);
        view = new FakeLiveView();
        server = WebServer.start(group, new InetSocketAddress("127.0.0.1", 0), view, new DispatcherMetrics(),
                Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown().get(5, TimeUnit.SECONDS);
    }

    private URI page() {
        return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + "/");
    }

    @Test
    void rendersTheDemoCallAndItsRelay() throws Exception {
        String dom = chromium.dumpDom(page());

        List<List<String>> sessions = rows(table(dom, "sessions"));
        assertEquals(1, sessions.size(), dom);
        List<String> call = sessions.get(0);
        assertEquals("sip:alice@example.comprobe-caller/1.0Pc0onxU6jH9424xW2vXM@198.18.1.2", call.get(0));
        assertEquals("sip:bob@example.comprobe-callee/1.0", call.get(1));
        assertEquals("198.18.0.1", call.get(2));
        assertEquals("audio", call.get(3));
        assertEquals("G711u/G711a", call.get(4));
        assertEquals("0:00:01", call.get(5));
        assertEquals("236", call.get(6));
        assertEquals("27.2 KiB", call.get(7));
        assertEquals("active", call.get(8));

        List<List<String>> relays = rows(table(dom, "relays"));
        assertEquals(List.of(List.of("198.18.0.1", "4.1.2", "active", "0:00:01", "1", "1 audio", "0 bit/s")), relays);

        assertTrue(dom.contains("<span id=\"session-count\" class=\"count\">(1)</span>"), dom);
        assertTrue(Pattern.compile("<p id=\"updated\" class=\"updated\">Last updated \\d\\d:\\d\\d:\\d\\d</p>")
                .matcher(dom).find(), dom);
        assertTrue(dom.contains("<div id=\"error\" class=\"error\" role=\"alert\" hidden=\"\"></div>"), dom);
        // It refreshed itself within the browser's 5 virtual seconds: at 0, 2 and 4 s.
        assertTrue(view.sessionsAsked.get() >= 2, "asked " + view.sessionsAsked.get() + " times");

        Path png = scratch.resolve("sessions.png");
        chromium.screenshot(page(), png, 1280, 600);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(600, image.getHeight());
        assertTrue(colours(image) > 20, "the screenshot looks blank");
        String keep = System.getProperty("mediaproxy.web.screenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void showsAnErrorBannerAndKeepsTheLastDataWhenTheDispatcherStopsAnswering() throws Exception {
        view.sessions = () -> view.sessionsAsked.get() == 1
                ? FakeLiveView.completed(FakeLiveView.DEMO_CALL.get(2))
                : FakeLiveView.failing("no relay answered");
        String dom = chromium.dumpDom(page());

        Matcher banner = Pattern.compile("<div id=\"error\" class=\"error\" role=\"alert\">(.*?)</div>").matcher(dom);
        assertTrue(banner.find(), "no visible error banner in:\n" + dom);
        assertTrue(Pattern.matches("Cannot refresh: the dispatcher could not give its sessions: no relay answered "
                + "\\(showing data from \\d\\d:\\d\\d:\\d\\d\\)\\.", banner.group(1)), banner.group(1));
        assertTrue(dom.contains("<main id=\"content\" class=\"stale\">"), dom);
        assertEquals("198.18.0.1", rows(table(dom, "sessions")).get(0).get(2), "the last data stays on screen");
    }

    @Test
    void saysSoWhenItNeverGotAnyData() throws Exception {
        CompletableFuture<JsonNode> never = new CompletableFuture<>();
        view.summary = () -> never;
        String dom = chromium.dumpDom(page());
        assertTrue(dom.contains("<div id=\"error\" class=\"error\" role=\"alert\">Cannot refresh: the dispatcher did not "
                + "give its summary within 2000 ms (no data yet).</div>"), dom);
        assertTrue(dom.contains("<p id=\"updated\" class=\"updated\">Loading…</p>"), dom);
    }

    @Test
    void showsSipTextAsTextNotMarkup() throws Exception {
        view.sessions = () -> FakeLiveView.completed(FakeLiveView.DEMO_CALL.get(2)
                .replace("probe-caller/1.0", "<img src=x onerror=alert(1)>"));
        view.summary = () -> FakeLiveView.completed("[]");
        String dom = chromium.dumpDom(page());
        assertTrue(dom.contains("&lt;img src=x onerror=alert(1)&gt;"), dom);
        assertFalse(dom.contains("<img"), dom);
        assertEquals(List.of(List.of("No relay is connected.")), rows(table(dom, "relays")));
    }

    private static String table(String dom, String id) {
        Matcher table = Pattern.compile("<table id=\"" + id + "\">.*?<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(dom);
        assertTrue(table.find(), "no table " + id + " in:\n" + dom);
        return table.group(1);
    }

    /** The text of each cell of each row. */
    private static List<List<String>> rows(String tbody) {
        List<List<String>> rows = new ArrayList<>();
        Matcher row = ROW.matcher(tbody);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = CELL.matcher(row.group(1));
            while (cell.find()) {
                cells.add(TAG.matcher(cell.group(1)).replaceAll("").replace("&amp;", "&").strip());
            }
            rows.add(cells);
        }
        return rows;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
