package org.mediaproxy.dispatcher.accounting.radius;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dispatcher takes from an OpenSIPS radiusclient-ng {@code client.conf}: lines of
 * {@code key value}, {@code #} comments. Used keys: {@code acctserver} ({@code host[:port]}, port
 * 1813 by default), {@code servers} (file of {@code host secret} lines; the acctserver's entry
 * gives the secret), {@code dictionary}, {@code radius_timeout} (seconds), {@code radius_retries}
 * and optionally {@code bindaddr} ({@code *} for any). Relative file names are taken relative to
 * the directory of the file that names them.
 *
 * @param bindAddress null to let the system choose
 */
record RadiusClientConfig(String server, int port, String secret, Path dictionary, int timeoutSeconds,
                          int retries, String bindAddress) {

    static final int DEFAULT_ACCOUNTING_PORT = 1813;

    static RadiusClientConfig read(Path file) throws IOException {
        Map<String, String> settings = keyValues(file);
        String acctServer = required(settings, "acctserver", file);
        String server = acctServer;
        int port = DEFAULT_ACCOUNTING_PORT;
        int colon = acctServer.lastIndexOf(':');
        if (colon > 0 && acctServer.indexOf(':') == colon) {
            server = acctServer.substring(0, colon);
            port = number(acctServer.substring(colon + 1), "acctserver port", file);
        }
        Path serversFile = resolve(file, required(settings, "servers", file));
        Map<String, String> secrets = keyValues(serversFile);
        String secret = secrets.get(server);
        if (secret == null) {
            secret = secrets.get(acctServer);
        }
        if (secret == null) {
            throw new IOException("no secret for RADIUS server " + server + " in " + serversFile);
        }
        Path dictionary = resolve(file, required(settings, "dictionary", file));
        int timeout = number(required(settings, "radius_timeout", file), "radius_timeout", file);
        int retries = number(required(settings, "radius_retries", file), "radius_retries", file);
        String bind = settings.get("bindaddr");
        return new RadiusClientConfig(server, port, secret, dictionary, timeout, retries,
                bind == null || bind.equals("*") ? null : bind);
    }

    private static Map<String, String> keyValues(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new HashMap<>();
        for (String line : lines) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] parts = text.split("\\s+", 2);
            if (parts.length == 2) {
                values.putIfAbsent(parts[0], parts[1].strip());
            }
        }
        return values;
    }

    private static String required(Map<String, String> settings, String key, Path file) throws IOException {
        String value = settings.get(key);
        if (value == null || value.isEmpty()) {
            throw new IOException("RADIUS configuration " + file + " has no " + key);
        }
        return value;
    }

    private static int number(String text, String what, Path file) throws IOException {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IOException("RADIUS configuration " + file + ": " + what + " '" + text + "' is not a number");
        }
    }

    /** Without the secret, for logs. */
    @Override
    public String toString() {
        return server + ":" + port + " (timeout " + timeoutSeconds + " s, " + retries + " retries"
                + (bindAddress != null ? ", from " + bindAddress : "") + ")";
    }

    static Path resolve(Path referringFile, String name) {
        Path path = Path.of(name);
        Path directory = referringFile.toAbsolutePath().getParent();
        return path.isAbsolute() || directory == null ? path : directory.resolve(path);
    }
}
