package io.hostdeck.host.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** journalctl -o json lines as systemd 252 writes them (captured on the testbed). */
class JournalJsonTest {

    @Test
    void readsAPlainEntry() {
        JournalEntry e = JournalJson.parse("""
                {"PRIORITY":"6","MESSAGE":"ok","__REALTIME_TIMESTAMP":"1795942175243829","__MONOTONIC_TIMESTAMP":"15398352694","__CURSOR":"s=4eb25c0287ff40c59f762d53070d73f9;i=61;b=608422f8625b4b1281e1c7c4bfe1e7e7;m=395d03736;t=661665f647e35;x=d12c978ff30e90c8","_BOOT_ID":"608422f8625b4b1281e1c7c4bfe1e7e7","SYSLOG_IDENTIFIER":"sh","_PID":"48"}""")
                .orElseThrow();
        assertThat(e.cursor()).startsWith("s=4eb25c0287ff40c59f762d53070d73f9;i=61;");
        assertThat(e.realtime()).isEqualTo(Instant.parse("2026-11-29T08:49:35.243829Z"));
        assertThat(e.message()).hasValue("ok");
        assertThat(e.priority()).hasValue(6);
        assertThat(e.fields()).extracting(JournalEntry.Field::name).startsWith("PRIORITY", "MESSAGE");
    }

    @Test
    void bytesThatAreNotUtf8AreDecodedAndMarked() {
        JournalEntry e = JournalJson.parse("""
                {"PRIORITY":"6","MESSAGE":[98,97,100,32,255,254,32,98,121,116,101,115],"__REALTIME_TIMESTAMP":"1795942175243829","__CURSOR":"s=4e;i=60"}""")
                .orElseThrow();
        assertThat(e.message()).hasValue("bad \uFFFD\uFFFD bytes");
        assertThat(e.fields().get(1).binary()).isTrue();
    }

    @Test
    void controlCharactersComeAsBytesButAreText() {
        JournalEntry e = JournalJson.parse("{\"MESSAGE\":[27,91,51,49,109,114,101,100],\"__CURSOR\":\"s=1;i=2\"}")
                .orElseThrow();
        assertThat(e.message()).hasValue("\u001b[31mred");
        assertThat(e.fields().get(0).binary()).isFalse();
    }

    @Test
    void aFieldTwiceTooLargeOrMissing() {
        JournalEntry e = JournalJson.parse("""
                {"__CURSOR":"s=1;i=2","TAG":["a",[98,255]],"BIG":null,"PRIORITY":"x"}""").orElseThrow();
        assertThat(e.fields()).extracting(JournalEntry.Field::name).containsExactly("__CURSOR", "TAG", "TAG", "BIG", "PRIORITY");
        assertThat(e.fields().get(1).value()).isEqualTo("a");
        assertThat(e.fields().get(2).binary()).isTrue();
        assertThat(e.fields().get(3).value()).isNull();
        assertThat(e.message()).isEmpty();
        assertThat(e.priority()).as("not 0-7").isEmpty();
        assertThat(e.realtime()).isNull();
    }

    @Test
    void linesThatAreNotEntriesAreSkipped() {
        assertThat(JournalJson.parse("-- No entries --")).isEmpty();
        assertThat(JournalJson.parse("{\"MESSAGE\":\"no cursor\"}")).isEmpty();
        assertThat(JournalJson.parse("[1,2]")).isEmpty();
    }

    @Test
    void everyValueGoesInAnOptionWithEqualsOrAMatchAfterTheDoubleDash() {
        JournalQuery q = new JournalQuery(List.of("-x.service"), 3, Instant.parse("2026-11-29T08:00:00.000001Z"), null,
                "-1", "-e", List.of("-t"), List.of("_PID=1"));
        assertThat(q.arguments()).containsExactly("--unit=-x.service", "--identifier=-t", "--priority=3",
                "--since=@1795939200.000001", "--boot=-1", "--grep=-e", "--", "_PID=1");
    }
}
