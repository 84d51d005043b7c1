package org.mediaproxy.dispatcher.accounting.radius;

import java.nio.file.Path;

/**
 * The {@code [Radius]} options (accounting.md §3), with paths already resolved by the caller
 * (the original looks relative paths up in the configuration directory).
 *
 * @param configFile           radiusclient-ng {@code client.conf}
 * @param additionalDictionary MediaProxy's dictionary ({@code radius/dictionary}); null for none
 */
public record RadiusSettings(Path configFile, Path additionalDictionary) {
}
