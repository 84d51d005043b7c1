package org.mediaproxy.common.config;

import java.nio.file.Path;

/**
 * {@code [Radius]}: the RADIUS accounting backend (accounting.md §3).
 *
 * @param configFile radiusclient-ng {@code client.conf} (servers, dictionary, timeouts)
 * @param additionalDictionary dictionary with MediaProxy's attributes; a relative path in the file
 *     is already resolved in the configuration directories here
 */
public record RadiusConfig(Path configFile, Path additionalDictionary) {
}
