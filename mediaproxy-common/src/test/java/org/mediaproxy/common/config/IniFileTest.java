package org.mediaproxy.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IniFileTest {

    private static String value(IniFile ini, String section, String option) {
        IniFile.Entry entry = ini.options(section).get(option);
        return entry == null ? null : ini.value(section, entry);
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> IniFile.parse(text, "test.ini")).getMessage();
    }

    @Test
    void readsBothSeparatorsAndTrimsNamesAndValues() throws ConfigException {
        IniFile ini = IniFile.parse("[Relay]\n  port_range   =   40000:60000  \nlog_level:debug\n"
                + "dispatchers = a:25060 b\n", "test.ini");
        assertEquals("40000:60000", value(ini, "Relay", "port_range"));
        assertEquals("debug", value(ini, "Relay", "log_level"));
        // The first separator wins, so a colon in the value is kept.
        assertEquals("a:25060 b", value(ini, "Relay", "dispatchers"));
    }

    @Test
    void commentLinesAndInlineSemicolonAfterWhitespace() throws ConfigException {
        IniFile ini = IniFile.parse("""
                ; comment
                # comment
                   ; indented comment
                [Relay] ; header comment
                port_range = 40000:60000 ; trailing comment
                log_level = info\t; after a tab
                passport = O:a;b
                dburi = x#y
                empty = ; only a comment
                """, "test.ini");
        assertEquals("40000:60000", value(ini, "Relay", "port_range"));
        assertEquals("info", value(ini, "Relay", "log_level"));
        assertEquals("O:a;b", value(ini, "Relay", "passport"));
        assertEquals("x#y", value(ini, "Relay", "dburi"));
        assertEquals("", value(ini, "Relay", "empty"));
    }

    @Test
    void namesIgnoreCaseAndDashes() throws ConfigException {
        IniFile ini = IniFile.parse("[rElAy]\nPort-Range = 1\n", "test.ini");
        assertEquals("1", value(ini, "Relay", "port_range"));
        assertEquals("rElAy", ini.section("RELAY").orElseThrow().name());
    }

    @Test
    void deeperIndentedLinesContinueTheValue() throws ConfigException {
        IniFile ini = IniFile.parse("""
                [Relay]
                  dispatchers = a
                    b

                    ; a comment inside
                    c ; trailing
                  next = 1
                """, "test.ini");
        assertEquals("a\nb\nc", value(ini, "Relay", "dispatchers"));
        assertEquals("1", value(ini, "Relay", "next"));
    }

    @Test
    void crlfAndByteOrderMark() throws ConfigException {
        IniFile ini = IniFile.parse("\uFEFF[Relay]\r\nport_range = 1:2\r\n", "test.ini");
        assertEquals("1:2", value(ini, "Relay", "port_range"));
    }

    @Test
    void defaultSectionIsInheritedAndOverridden() throws ConfigException {
        IniFile ini = IniFile.parse("[DEFAULT]\nlog_level = debug\nx = 1\n[Relay]\nx = 2\n[Dispatcher]\n", "t");
        assertEquals("debug", value(ini, "Relay", "log_level"));
        assertEquals("2", value(ini, "Relay", "x"));
        assertEquals("1", value(ini, "Dispatcher", "x"));
        assertEquals("debug", value(ini, "Missing", "log_level"));
    }

    @Test
    void interpolationLikeConfigParser() throws ConfigException {
        IniFile ini = IniFile.parse("""
                [DEFAULT]
                host = db.example.test
                [Database]
                user = mp
                dburi = mysql://%(user)s:50%%@%(HOST)s/mediaproxy
                loop = %(loop)s
                lone = 50%
                missing = %(nothing)s
                unclosed = %(user
                """, "test.ini");
        assertEquals("mysql://mp:50%@db.example.test/mediaproxy", value(ini, "Database", "dburi"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> value(ini, "Database", "lone"));
        assertEquals("'%' must be followed by '%' or '(' (write %% for a literal %)", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> value(ini, "Database", "loop"))
                .getMessage().contains("nest deeper"));
        assertEquals("%(nothing)s refers to a missing option",
                assertThrows(IllegalArgumentException.class, () -> value(ini, "Database", "missing")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> value(ini, "Database", "unclosed"))
                .getMessage().startsWith("bad reference"));
    }

    @Test
    void keepsSectionsAndOptionsInFileOrderWithLineNumbers() throws ConfigException {
        IniFile ini = IniFile.parse("[B]\nz = 1\na = 2\n\n[A]\n", "t");
        assertEquals(List.of("B", "A"), ini.sections().stream().map(IniFile.Section::name).toList());
        Map<String, IniFile.Entry> entries = ini.section("b").orElseThrow().entries();
        assertEquals(List.of("z", "a"), List.copyOf(entries.keySet()));
        assertEquals(3, entries.get("a").line());
        assertEquals(5, ini.section("A").orElseThrow().line());
    }

    @Test
    void malformedLinesNameFileAndLine() {
        assertEquals("test.ini: line 2: expected [Section] or name = value, found 'garbage here'",
                error("[Relay]\ngarbage here\n"));
        assertEquals("test.ini: line 1: option 'port_range' appears before the first [Section] header",
                error("port_range = 1:2\n"));
        assertEquals("test.ini: line 2: option without a name: '= 5'", error("[Relay]\n= 5\n"));
        assertEquals("test.ini: line 1: section header must end with ']': '[Relay'", error("[Relay\n"));
        assertEquals("test.ini: line 1: empty section name", error("[ ]\n"));
    }

    @Test
    void repeatedSectionOrOptionIsAnError() {
        assertEquals("test.ini: line 3: [Relay] port_range is set twice (first on line 2)",
                error("[Relay]\nport_range = 1\nPort-Range = 2\n"));
        assertEquals("test.ini: line 3: section [relay] appears twice (first on line 1)",
                error("[Relay]\nx = 1\n[relay]\n"));
    }
}
