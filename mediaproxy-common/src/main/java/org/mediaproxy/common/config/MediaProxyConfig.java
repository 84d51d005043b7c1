package org.mediaproxy.common.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of {@code config.ini}, shared by both daemons: one immutable record per section, with
 * the original's option names and defaults (configuration.md) plus our few new options.
 *
 * <p>Unlike the original, which logs and ignores a value it cannot convert, a bad value stops
 * start-up with a {@link ConfigException} naming file, section, option and value. Unknown options
 * and sections are only warned about. {@code [ThorNetwork]} is accepted and ignored: SIP Thor is
 * not supported.
 *
 * @param file the file read; empty when no {@code config.ini} was found and defaults apply
 */
public record MediaProxyConfig(Optional<Path> file, RelayConfig relay, DispatcherConfig dispatcher,
        OpenSipsConfig opensips, DatabaseConfig database, RadiusConfig radius, TlsConfig tls) {

    public static final String FILE_NAME = "config.ini";
    /** The system configuration directory, searched after {@code --config-dir}. */
    public static final Path SYSTEM_CONFIG_DIR = Path.of("/etc/mediaproxy");

    private static final Logger LOG = LoggerFactory.getLogger(MediaProxyConfig.class);

    private static final String RELAY = "Relay";
    private static final String DISPATCHER = "Dispatcher";
    private static final String OPENSIPS = "OpenSIPS";
    private static final String DATABASE = "Database";
    private static final String RADIUS = "Radius";
    private static final String TLS = "TLS";
    private static final String THOR_NETWORK = "ThorNetwork";

    /**
     * Reads {@code config.ini} from the first of {@code configDirs} that contains one (typically
     * {@code --config-dir}, then {@link #SYSTEM_CONFIG_DIR}); with none, every option has its
     * default. The directories also anchor relative {@code certs_path} and
     * {@code additional_dictionary}.
     *
     * @throws ConfigException if the file cannot be read or holds a bad line or value
     */
    public static MediaProxyConfig load(List<Path> configDirs) throws ConfigException {
        if (configDirs.isEmpty()) {
            throw new IllegalArgumentException("no configuration directory given");
        }
        for (Path dir : configDirs) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.exists(candidate)) {
                LOG.info("Reading configuration from {}", candidate);
                return read(IniFile.parse(readText(candidate), candidate.toString()), Optional.of(candidate), configDirs);
            }
        }
        LOG.info("No {} in {}; using the default configuration", FILE_NAME, configDirs);
        return read(IniFile.parse("", FILE_NAME), Optional.empty(), configDirs);
    }

    /**
     * Parses INI text as if it were read from {@code nameForMessages}; relative paths are resolved
     * against that file's directory (or {@link #SYSTEM_CONFIG_DIR} if it has none).
     *
     * @throws ConfigException for a bad line or value
     */
    public static MediaProxyConfig parse(String iniText, Path nameForMessages) throws ConfigException {
        Path dir = nameForMessages.getParent() == null ? SYSTEM_CONFIG_DIR : nameForMessages.getParent();
        return read(IniFile.parse(iniText, nameForMessages.toString()), Optional.of(nameForMessages), List.of(dir));
    }

    /** Every option at its default, relative paths resolved in {@link #SYSTEM_CONFIG_DIR}. */
    public static MediaProxyConfig defaults() {
        try {
            return read(IniFile.parse("", FILE_NAME), Optional.empty(), List.of(SYSTEM_CONFIG_DIR));
        } catch (ConfigException e) {
            throw new IllegalStateException("the defaults are valid", e);
        }
    }

    private static String readText(Path file) throws ConfigException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static MediaProxyConfig read(IniFile ini, Optional<Path> file, List<Path> configDirs)
            throws ConfigException {
        SectionReader relay = new SectionReader(ini, RELAY);
        SectionReader dispatcher = new SectionReader(ini, DISPATCHER);
        SectionReader opensips = new SectionReader(ini, OPENSIPS);
        SectionReader database = new SectionReader(ini, DATABASE);
        SectionReader radius = new SectionReader(ini, RADIUS);
        SectionReader tls = new SectionReader(ini, TLS);
        MediaProxyConfig config = new MediaProxyConfig(file,
                RelayConfig.read(relay),
                DispatcherConfig.read(dispatcher),
                OpenSipsConfig.read(opensips),
                DatabaseConfig.read(database),
                new RadiusConfig(
                        radius.get("config_file", Path.of("/etc/opensips/radius/client.conf"), SectionReader::path),
                        inConfigDirs(radius.get("additional_dictionary", Path.of("radius/dictionary"),
                                SectionReader::path), configDirs)),
                new TlsConfig(
                        inConfigDirs(tls.get("certs_path", Path.of("tls"), SectionReader::path), configDirs),
                        tls.seconds("verify_interval", 300, 1)));
        List<SectionReader> readers = List.of(relay, dispatcher, opensips, database, radius, tls);
        readers.forEach(SectionReader::warnAboutUnknownOptions);
        warnAboutUnknownSections(ini, readers);
        return config;
    }

    private static void warnAboutUnknownSections(IniFile ini, List<SectionReader> readers) {
        Set<String> everyOption = new HashSet<>();
        readers.forEach(reader -> everyOption.addAll(reader.knownOptions()));
        Set<String> known = Set.of(RELAY, DISPATCHER, OPENSIPS, DATABASE, RADIUS, TLS).stream()
                .map(IniFile::normalize).collect(Collectors.toSet());
        for (IniFile.Section section : ini.sections()) {
            String name = IniFile.normalize(section.name());
            if (name.equals(IniFile.normalize(THOR_NETWORK))) {
                LOG.info("{}: line {}: [{}] ignored: SIP Thor is not supported", ini.source(), section.line(),
                        section.name());
            } else if (name.equals(IniFile.normalize(IniFile.DEFAULT_SECTION))) {
                for (Map.Entry<String, IniFile.Entry> entry : section.entries().entrySet()) {
                    if (!everyOption.contains(entry.getKey())) {
                        LOG.warn("{}: line {}: [{}] {} is not an option of any section; ignored", ini.source(),
                                entry.getValue().line(), section.name(), entry.getKey());
                    }
                }
            } else if (!known.contains(name)) {
                LOG.warn("{}: line {}: [{}] is not a known section; ignored", ini.source(), section.line(),
                        section.name());
            }
        }
    }

    /**
     * A relative path from the file is looked up in each configuration directory; the first
     * where it exists wins, else it is taken as relative to the first directory.
     */
    private static Path inConfigDirs(Path path, List<Path> configDirs) {
        if (path.isAbsolute()) {
            return path;
        }
        for (Path dir : configDirs) {
            if (Files.exists(dir.resolve(path))) {
                return dir.resolve(path);
            }
        }
        return configDirs.get(0).resolve(path);
    }
}
