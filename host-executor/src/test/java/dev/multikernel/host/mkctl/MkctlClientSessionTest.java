package dev.multikernel.host.mkctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.multikernel.host.ssh.CommandTimeoutException;
import dev.multikernel.host.ssh.ConnectionLostException;
import dev.multikernel.host.state.InstanceStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client over {@code mkctl session} (a fake mkctl that speaks the session protocol, run as a
 * local process): one session for many calls, concurrency, lost sessions, fallback, and the same
 * results and exceptions as one command per call.
 */
class MkctlClientSessionTest {

    static final String MOUNTED =
            "{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":true,\"interface\":\"current\"}";
    static final String STATE = "{\"operation\":\"state\",\"interface\":\"none\",\"mounted\":false,"
            + "\"kernel_release\":\"7.0.0-mk5\",\"boot_id\":\"b-1\","
            + "\"cpus\":[{\"cpu\":0,\"apic_id\":0,\"numa_node\":0,\"online\":true}],"
            + "\"pool\":null,\"instances\":[],\"overlays\":[],\"kimage\":null,\"iomem\":null,\"warnings\":[]}";

    @TempDir
    Path tmp;

    FakeSessionMkctl fake;
    final List<MkctlClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeSessionMkctl(tmp);
        fake.answer(MOUNTED, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        clients.forEach(MkctlClient::close);
        fake.transport.close();
        // the sessions end at the end of their input: let them finish writing into the temp dir
        waitFor(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    }

    MkctlClient client(MkctlOptions options) {
        MkctlClient c = fake.client(options);
        clients.add(c);
        return c;
    }

    MkctlClient client() {
        return client(MkctlOptions.DEFAULTS.withSessions(2));
    }

    @Test
    void oneSessionServesEveryCallAfterTheFirst() throws Exception {
        MkctlClient mk = client();
        for (int i = 0; i < 10; i++) {
            assertThat(mk.mount().mounted()).isTrue();
        }
        assertThat(fake.count("oneshots"))
                .as("the first call deploys and checks mkctl")
                .isEqualTo(1);
        assertThat(fake.count("sessions")).isEqualTo(1);
        assertThat(fake.lines("requests"))
                .hasSize(9)
                .allMatch(l -> l.matches("\\{\"id\":\\d+,\"ops\":\\[\\{\"op\":\"mount\"}]}"));
        assertThat(mk.sessionsStarted()).isEqualTo(1);
        assertThat(mk.sessionsRefused()).isEmpty();
    }

    @Test
    void sessionsOffMeansOneCommandPerCall() throws Exception {
        MkctlClient mk = client(MkctlOptions.DEFAULTS.withoutSessions());
        for (int i = 0; i < 5; i++) {
            mk.mount();
        }
        assertThat(fake.count("oneshots")).isEqualTo(5);
        assertThat(fake.count("sessions")).isZero();
        assertThat(MkctlOptions.sessionsFromEnvironment(java.util.Map.of(MkctlOptions.SESSIONS_VARIABLE, "off")))
                .isZero();
        assertThat(MkctlOptions.sessionsFromEnvironment(java.util.Map.of(MkctlOptions.SESSIONS_VARIABLE, "3")))
                .isEqualTo(3);
        assertThat(MkctlOptions.sessionsFromEnvironment(java.util.Map.of())).isEqualTo(MkctlOptions.DEFAULT_SESSIONS);
    }

    @Test
    void concurrentCallersGetTheirOwnAnswers() throws Exception {
        fake.set("echo-unload", "");
        fake.set("delay", "0.02");
        MkctlClient mk = client();
        mk.mount();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int base = t * 100;
                futures.add(pool.submit(() -> {
                    List<Integer> got = new ArrayList<>();
                    for (int i = 1; i <= 8; i++) {
                        MkctlResult.Unloaded u = mk.unload(base + i);
                        assertThat(u.status()).hasValue(InstanceStatus.READY);
                        got.add(u.id());
                    }
                    return got;
                }));
            }
            for (int t = 0; t < 6; t++) {
                List<Integer> expected = new ArrayList<>();
                for (int i = 1; i <= 8; i++) {
                    expected.add(t * 100 + i);
                }
                assertThat(futures.get(t).get(60, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fake.count("sessions")).isBetween(1, 2);
        // every call went somewhere exactly once: sessions, or one-shot when both sessions were busy
        assertThat(fake.count("requests") + fake.count("oneshots")).isEqualTo(48 + 1);
        assertThat(fake.count("requests")).isGreaterThan(0);
    }

    @Test
    void aReadWhoseSessionDiesIsSentAgainOnANewSession() throws Exception {
        fake.answer("state", STATE, 0);
        MkctlClient mk = client();
        mk.mount();
        mk.mount(); // session 1 is up
        fake.set("die", "");
        assertThat(mk.state().bootId()).isEqualTo("b-1");
        assertThat(fake.count("sessions")).isEqualTo(2);
        assertThat(fake.lines("requests"))
                .filteredOn(l -> l.contains("\"op\":\"state\""))
                .hasSize(2);
        assertThat(fake.count("oneshots")).isEqualTo(1);
    }

    @Test
    void aMutationWhoseSessionDiesIsALostAnswerAndIsNotSentAgain() throws Exception {
        MkctlClient mk = client();
        mk.mount();
        mk.mount();
        fake.set("die", "");
        Throwable lost = catchThrowable(() -> mk.unload(3));
        assertThat(lost)
                .isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("whether it took effect is unknown");
        assertThat(fake.lines("requests"))
                .filteredOn(l -> l.contains("\"op\":\"unload\""))
                .hasSize(1);
        assertThat(fake.count("oneshots")).as("not sent again one-shot either").isEqualTo(1);
        // the dead session is replaced on the next call
        assertThat(mk.mount().mounted()).isTrue();
        assertThat(fake.count("sessions")).isEqualTo(2);
    }

    @Test
    void aRequestThatOutlivesItsTimeoutFailsAsTheOneShotCommandDoes() throws Exception {
        fake.answer("state", STATE, 0);
        MkctlOptions quick = new MkctlOptions(Duration.ZERO, Duration.ofMillis(700), Duration.ofSeconds(60), 2);
        MkctlClient session = client(quick);
        MkctlClient oneShot = client(quick.withoutSessions());
        session.mount();
        session.mount();
        oneShot.mount();
        fake.set("delay", "3");
        Throwable viaSession = catchThrowable(session::state);
        Throwable viaCommand = catchThrowable(oneShot::state);
        assertThat(viaSession).isInstanceOf(CommandTimeoutException.class);
        assertThat(viaCommand).isInstanceOf(CommandTimeoutException.class);
        assertThat(((CommandTimeoutException) viaSession).started()).isTrue();
        assertThat(((CommandTimeoutException) viaCommand).started()).isTrue();
        fake.unset("delay");
        assertThat(session.state().bootId())
                .as("a new session after the timed-out one")
                .isEqualTo("b-1");
        assertThat(fake.count("sessions")).isEqualTo(2);
    }

    @Test
    void aHostWithoutSessionsIsServedOneShotAndTriedOnce() throws Exception {
        FakeMkctl old = new FakeMkctl(tmp.resolve("old"));
        old.answer(MOUNTED, 0);
        MkctlClient mk = new MkctlClient(
                old.transport,
                new MkctlInstall.Upload(".cache/multikernel", old.binary),
                MkctlOptions.DEFAULTS.withSessions(2));
        clients.add(mk);
        for (int i = 0; i < 4; i++) {
            assertThat(mk.mount().mounted()).isTrue();
        }
        assertThat(java.nio.file.Files.readAllLines(tmp.resolve("old/sessions")))
                .hasSize(1);
        assertThat(mk.sessionsRefused())
                .hasValueSatisfying(why -> assertThat(why).contains("does not know sessions"));
        assertThat(mk.sessionsStarted()).isZero();
    }

    @Test
    void aGreetingOfAnotherProtocolVersionMeansOneShot() throws Exception {
        fake.set(
                "hello",
                "{\"operation\":\"session\",\"session\":2,\"contract\":1,\"version\":\"9.0\",\"mode\":\"sim\"}\n");
        MkctlClient mk = client();
        for (int i = 0; i < 4; i++) {
            mk.mount();
        }
        assertThat(fake.count("sessions")).isEqualTo(1);
        assertThat(fake.count("requests")).isZero();
        assertThat(fake.count("oneshots")).isEqualTo(4);
        assertThat(mk.sessionsRefused())
                .hasValueSatisfying(why -> assertThat(why).contains("session protocol 1"));
    }

    /** Each error answer: the same exception, message, error object and completed results in both modes. */
    @Test
    void errorAnswersMapToTheSameExceptionsInBothModes() throws Exception {
        List<String> errors = List.of(
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"os\",\"errno\":\"EBUSY\",\"errno_number\":16,"
                        + "\"call\":\"kexec_file_load\",\"path\":null,\"message\":\"busy\"}}",
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"not_applied\",\"errno\":null,\"errno_number\":null,"
                        + "\"call\":null,\"path\":\"/sys/fs/multikernel/overlays/tx_7\",\"message\":\"failed\","
                        + "\"transaction_id\":7,\"transaction_status\":\"failed\"}}",
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"lock_timeout\",\"errno\":null,\"errno_number\":null,"
                        + "\"call\":\"flock\",\"path\":\"/run/mkctl.lock\",\"message\":\"lock held\"}}",
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"halt_timeout\",\"errno\":\"ETIMEDOUT\",\"errno_number\":110,"
                        + "\"call\":\"reboot\",\"path\":null,\"message\":\"no ack\",\"instance_status\":\"active\"}}",
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"sim\",\"errno\":null,\"errno_number\":null,"
                        + "\"call\":\"sim\",\"path\":null,\"message\":\"simulator gone\"}}",
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"internal\",\"errno\":\"ENOMEM\",\"errno_number\":12,"
                        + "\"call\":null,\"path\":null,\"message\":\"out of memory\"}}",
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"os\",\"errno\":\"EPERM\",\"errno_number\":1,"
                        + "\"call\":\"kexec_file_load\",\"path\":null,\"message\":\"not permitted\"}}");
        MkctlClient session = client();
        MkctlClient oneShot = client(MkctlOptions.DEFAULTS.withoutSessions());
        session.mount();
        session.mount();
        for (String error : errors) {
            fake.answer("unload", error, 1);
            int before = fake.count("requests");
            Throwable s = catchThrowable(() -> session.unload(5));
            assertThat(fake.count("requests")).as("sent on the session").isEqualTo(before + 1);
            Throwable o = catchThrowable(() -> oneShot.unload(5));
            assertThat(s).as(error).isNotNull().hasSameClassAs(o).hasMessage(o.getMessage());
            MkctlException se = (MkctlException) s;
            MkctlException oe = (MkctlException) o;
            assertThat(se.error()).isEqualTo(oe.error());
            assertThat(se.completed()).isEqualTo(oe.completed()).isEmpty();
        }
        // an answer that does not fit the contract is a protocol error in both modes
        fake.answer("unload", "{\"operation\":\"unload\",\"id\":\"x\"}", 0);
        assertThatThrownBy(() -> session.unload(5)).isInstanceOf(MkctlProtocolException.class);
        assertThatThrownBy(() -> oneShot.unload(5)).isInstanceOf(MkctlProtocolException.class);
    }

    @Test
    void closingTheClientOrTheTransportEndsItsSessions() throws Exception {
        MkctlClient mk = client();
        mk.mount();
        mk.mount();
        mk.close();
        waitFor(() -> fake.count("ended") == 1);
        // the client stays usable: a later call starts a session again, the transport's close ends it
        MkctlClient other = client();
        other.mount();
        other.mount();
        assertThat(fake.count("sessions")).isEqualTo(2);
        fake.transport.close();
        waitFor(() -> fake.count("ended") == 2);
    }

    @Test
    void logsStartsRequestsAndDeathsWithoutContent() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.multikernel.host.mkctl.session");
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Level before = jul.getLevel();
        jul.setLevel(java.util.logging.Level.ALL);
        jul.addHandler(h);
        try {
            fake.answer(
                    "overlay-apply",
                    "{\"operation\":\"overlay-apply\",\"bytes\":3,\"transaction\":{\"id\":3,\"status\":\"applied\","
                            + "\"instance\":\"/instances/web\",\"resources\":\"unknown\"},\"warnings\":[]}",
                    0);
            MkctlClient mk = client();
            mk.mount();
            mk.applyOverlay("SECRET-BLOB".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            fake.set("die", "");
            catchThrowable(mk::mount);
        } finally {
            jul.removeHandler(h);
            jul.setLevel(before);
        }
        assertThat(lines).anyMatch(l -> l.startsWith("FINE ") && l.contains("started on") && l.contains("mkctl 0.1.0"));
        assertThat(lines).anyMatch(l -> l.startsWith("FINER ") && l.contains("(overlay-apply): ok in"));
        assertThat(lines).anyMatch(l -> l.startsWith("FINE ") && l.contains("ended during request"));
        String blob = java.util.Base64.getEncoder()
                .encodeToString("SECRET-BLOB".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(lines).noneMatch(l -> l.contains(blob) || l.contains("SECRET"));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
