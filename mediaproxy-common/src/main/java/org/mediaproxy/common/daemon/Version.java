package org.mediaproxy.common.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The MediaProxy version, taken from a resource that Maven fills in with the project version. */
public final class Version {

    private static final String RESOURCE = "version.properties";

    private Version() {
    }

    /** The project version, e.g. {@code 1.0.0}. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
