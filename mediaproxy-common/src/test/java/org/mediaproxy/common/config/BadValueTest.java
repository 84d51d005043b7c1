package org.mediaproxy.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A value that cannot be used stops start-up with one line naming file, section, option and value. */
class BadValueTest {

    private static final Path FILE = Path.of("/etc/mediaproxy/config.ini");

    @ParameterizedTest(name = "[{0}] {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Relay      | port_range              | 40001:60000          | start port must be even
            Relay      | port_range              | 40000:60001          | end port must be even
            Relay      | port_range              | 60000:40000          | start port must be lower than end port
            Relay      | port_range              | 40000:40000          | start port must be lower than end port
            Relay      | port_range              | 1000:2000            | ports must be within [1024, 65536]
            Relay      | port_range              | 40000:65538          | ports must be within [1024, 65536]
            Relay      | port_range              | 40000                | expected start:end
            Relay      | port_range              | 40000-60000          | expected start:end
            Relay      | port_range              | a:b                  | expected start:end with decimal port numbers
            Relay      | relay_ip                | 198.18.0.256         | '198.18.0.256' is not an IPv4 address (expected a.b.c.d)
            Relay      | relay_ip                | eth0                 | 'eth0' is not an IPv4 address (expected a.b.c.d)
            Relay      | advertised_ip           | 198.18.1             | '198.18.1' is not an IPv4 address (expected a.b.c.d)
            Relay      | dispatchers             | 198.18.0.1:99999     | port 99999 is outside [0, 65535]
            Relay      | dispatchers             | 198.18.0.1 bad/host  | expected host[:port] with an IPv4 address or a host name, found 'bad/host'
            Relay      | dispatchers             | 198.18.0.300:25060   | '198.18.0.300' is not an IPv4 address (expected a.b.c.d)
            Relay      | dispatchers             | 198.18.0.1:0         | dispatcher '198.18.0.1:0' has port 0
            Relay      | passport                | O=AG Projects        | passport element 'O=AG Projects' is not of the form ATTRIBUTE:value
            Relay      | passport                | XX:foo               | passport attribute 'XX' is unknown (use CN, OU, O, L, ST, C or EMAIL)
            Relay      | auto_detect_interfaces  | maybe                | expected yes/no, true/false, on/off or 1/0
            Relay      | log_level               | verbose              | expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG
            Relay      | stream_timeout          | 1.5                  | expected a whole number
            Relay      | stream_timeout          | -1                   | must not be negative
            Relay      | on_hold_timeout         | 2h                   | expected a whole number
            Relay      | dns_check_interval      | 0                    | must be at least 1
            Relay      | keepalive_interval      | 0                    | must be at least 1
            Relay      | reconnect_delay         | -5                   | must be at least 1
            Relay      | traffic_sampling_period | 99999999999          | number is too large (at most 2147483647)
            Relay      | userspace_transmit_every| 0                    | must be at least 1
            Relay      | routable_private_ranges | 198.18.0.0/33        | '198.18.0.0/33': prefix length must be a number in [0, 32]
            Relay      | routable_private_ranges | 198.18.0.0/x         | '198.18.0.0/x': prefix length must be a number in [0, 32]
            Relay      | routable_private_ranges | 198.18.0.0/16, none  | 'none' is only allowed as the whole value
            Relay      | routable_private_ranges | no-such-host.invalid | cannot resolve host name 'no-such-host.invalid'
            Relay      | routable_private_ranges | 198.18.0.0.0/16      | '198.18.0.0.0' is not an IPv4 address (expected a.b.c.d)
            Relay      | forwarding              | fast                 | expected one of auto, kernel, userspace
            Dispatcher | socket_path             | ""                   | must not be empty
            Dispatcher | listen                  | 198.18.0.1:70000     | port 70000 is outside [0, 65535]
            Dispatcher | listen                  | no-such-host.invalid | cannot resolve host name 'no-such-host.invalid'
            Dispatcher | listen_management       | 1.2.3                | '1.2.3' is not an IPv4 address (expected a.b.c.d)
            Dispatcher | management_use_tls      | sure                 | expected yes/no, true/false, on/off or 1/0
            Dispatcher | management_passport     | CN                   | passport element 'CN' is not of the form ATTRIBUTE:value
            Dispatcher | log_level               | trace                | expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG
            Dispatcher | relay_timeout           | 0                    | must be at least 1
            Dispatcher | cleanup_dead_relays_after | twelve hours       | expected a whole number
            Dispatcher | accounting              | database, ldap       | unknown name 'ldap' (expected database, radius)
            Dispatcher | opensips_timeout        | 0                    | must be at least 1
            Dispatcher | listen_metrics          | localhost:abc        | expected host[:port] with an IPv4 address or a host name, found 'localhost:abc'
            Dispatcher | spool_dir               | ""                   | must not be empty
            OpenSIPS   | dialog_id_format        | octal                | expected one of hex, callid, decimal
            OpenSIPS   | socket_path             | ""                   | must not be empty
            TLS        | verify_interval         | 0                    | must be at least 1
            TLS        | certs_path              | ""                   | must not be empty
            Database   | dburi                   | mediaproxy@localhost | expected scheme://user:password@host/database
            Database   | dburi                   | mysql://u:p%ss@h/db  | '%' must be followed by '%' or '(' (write %% for a literal %)
            Database   | sessions_table          | media sessions       | expected a table name (letters, digits and _, not starting with a digit)
            Database   | info_column             | info;drop            | expected a column name (letters, digits and _, not starting with a digit)
            Database   | callid_column           | 1call                | expected a column name (letters, digits and _, not starting with a digit)
            Radius     | config_file             | ""                   | must not be empty
            Radius     | additional_dictionary   | ""                   | must not be empty
            """)
    void badValueIsOneLineNamingFileSectionOptionAndValue(String section, String option, String value, String reason) {
        String text = "; a comment\n[" + section.toLowerCase() + "]\n" + option + " = " + value + "\n";
        ConfigException e = assertThrows(ConfigException.class, () -> MediaProxyConfig.parse(text, FILE));
        assertEquals(FILE + ": [" + section + "] " + option + " = " + value + ": " + reason, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void theIssuesExample() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MediaProxyConfig.parse("[Relay]\nport_range = 40001:60000\n", FILE));
        assertEquals("/etc/mediaproxy/config.ini: [Relay] port_range = 40001:60000: start port must be even",
                e.getMessage());
    }

    @Test
    void multiLineValueIsShownOnOneLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MediaProxyConfig.parse("[Relay]\ndispatchers = 198.18.0.1\n  bad/host\n", FILE));
        assertEquals("/etc/mediaproxy/config.ini: [Relay] dispatchers = 198.18.0.1\\nbad/host: expected host[:port]"
                + " with an IPv4 address or a host name, found 'bad/host'", e.getMessage());
    }

    @Test
    void badValueInheritedFromDefaultNamesTheReadingSection() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MediaProxyConfig.parse("[DEFAULT]\nlog_level = loud\n", FILE));
        assertEquals("/etc/mediaproxy/config.ini: [Relay] log_level = loud: expected one of CRITICAL, ERROR, WARNING,"
                + " INFO, DEBUG", e.getMessage());
    }
}
