package dev.multikernel.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.config.ProviderConfigSchema;
import dev.multikernel.provider.functions.MultikernelFunctions;
import dev.multikernel.provider.testing.FakeHosts;
import dev.multikernel.provider.testing.TestStates;
import dev.tfjvm.cty.CtyMsgpack;
import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.ConfigValidator;
import dev.tfjvm.schema.NestedAttributes;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.server.ProviderService;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.TfObject;
import dev.tfjvm.testing.DirectCall;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Input can never crash the provider (issue #15): random and adversarial configurations for every
 * attribute of every resource, data source and the provider block, and arguments for every
 * function, sent over the real tfplugin6 service as Terraform sends them (validate, then plan or
 * configure or read; function calls). Values are of every type the schema has, null, unknown (also
 * inside collections), huge, fractional and infinite numbers, unicode, control characters, empty
 * strings, and now and then a value of the wrong type on the wire. No answer may be "Unexpected
 * provider error", a guard's "Provider bug", a function's "internal error", mention a Java exception,
 * or throw.
 *
 * <p>Seeded: {@code -Dfuzz.seed=N} replays a run ({@code random} for a new one), {@code -Dfuzz.cases=N}
 * sets its size; a failure prints the seed and each failing case's own seed ({@code -Dfuzz.case=S}
 * replays that case alone).
 */
class InputFuzzTest {
    private static final long DEFAULT_SEED = 15;
    private static final int DEFAULT_CASES = 300;
    /** A run stops early past this, so a slow machine cannot make the build slow. */
    private static final long MAX_MILLIS = Long.getLong("fuzz.millis", 20_000);
    /** How many plans and reads succeeded (so a generator that only makes invalid input shows). */
    private static final Map<String, Integer> PASSED = new java.util.concurrent.ConcurrentHashMap<>();

    private static final HostState HOST = TestStates.withPool(
            List.of(4, 5, 6, 7),
            List.of(TestStates.instance(
                    "db",
                    1,
                    dev.multikernel.host.state.InstanceStatus.ACTIVE,
                    List.of(6),
                    TestStates.CHUNK_BASE,
                    256 * TestStates.MIB)),
            List.of());

    /** The multikernel provider with every resource and data source on a fake host. */
    private static final class FuzzedProvider implements Provider {
        private final MultikernelProvider real = new MultikernelProvider();
        private final FakeHosts hosts = new FakeHosts(HOST);

        @Override
        public String typeName() {
            return real.typeName();
        }

        @Override
        public Schema schema() {
            return real.schema();
        }

        @Override
        public List<ConfigValidator> configValidators() {
            return real.configValidators();
        }

        @Override
        public void validateConfig(TfObject config, Diagnostics diagnostics) {
            real.validateConfig(config, diagnostics);
        }

        @Override
        public void configure(ConfigureContext context) {
            real.configure(context);
        }

        @Override
        public List<Resource> resources() {
            return MultikernelProvider.resourcesOn(hosts);
        }

        @Override
        public List<DataSource> dataSources() {
            return MultikernelProvider.dataSourcesOn(hosts);
        }

        @Override
        public List<ProviderFunction> functions() {
            return MultikernelFunctions.all();
        }
    }

    @Test
    void noInputCrashesTheProvider() {
        String seedProperty = System.getProperty("fuzz.seed", String.valueOf(DEFAULT_SEED));
        long seed = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
        int cases = Integer.getInteger("fuzz.cases", DEFAULT_CASES);
        String single = System.getProperty("fuzz.case");

        FuzzedProvider provider = new FuzzedProvider();
        ProviderService service = new ProviderService(provider);
        List<Resource> resources = provider.resources();
        List<DataSource> dataSources = provider.dataSources();
        List<ProviderFunction> functions = provider.functions();

        Random seeds = new Random(seed);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        long start = System.nanoTime();
        int ran = 0;
        try {
            for (int i = 0; i < (single == null ? cases : 1); i++) {
                long caseSeed = single == null ? seeds.nextLong() : Long.parseLong(single);
                if (single == null && (System.nanoTime() - start) / 1_000_000 > MAX_MILLIS) {
                    break;
                }
                Gen g = new Gen(new Random(caseSeed));
                int pick = g.r.nextInt(10);
                String target;
                List<String> problems = new ArrayList<>();
                StringBuilder input = new StringBuilder();
                try {
                    if (pick < 5) {
                        Resource res = resources.get(g.r.nextInt(resources.size()));
                        target = res.typeName();
                        resourceCase(service, res, g, input, problems);
                    } else if (pick < 7) {
                        DataSource ds = dataSources.get(g.r.nextInt(dataSources.size()));
                        target = "data." + ds.typeName();
                        dataSourceCase(service, ds, g, input, problems);
                    } else if (pick < 8) {
                        target = "provider";
                        providerCase(service, g, input, problems);
                    } else {
                        ProviderFunction f = functions.get(g.r.nextInt(functions.size()));
                        target = "function " + f.name();
                        functionCase(service, f, g, input, problems);
                    }
                } catch (RuntimeException | AssertionError e) {
                    target = "(threw)";
                    problems.add("threw " + e + (e.getCause() == null ? "" : " caused by " + e.getCause()));
                }
                counts.merge(target, 1, Integer::sum);
                ran++;
                if (!problems.isEmpty()) {
                    failures.add("case seed " + caseSeed + " (" + target + "): " + problems + "\n  input: "
                            + abbreviate(input.toString(), 2000));
                }
            }
        } finally {
            provider.real.close();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("InputFuzzTest: seed " + seed + ", " + ran + " cases in " + millis + " ms: " + counts
                + "; succeeded: " + PASSED);
        assertThat(failures)
                .as("seed " + seed + " (-Dfuzz.seed=" + seed + "; -Dfuzz.case=<case seed> replays one case)")
                .isEmpty();
        if (single == null) {
            assertThat(ran).as("cases run within " + MAX_MILLIS + " ms").isGreaterThanOrEqualTo(Math.min(cases, 200));
        }
    }

    // ------------------------------------------------------------------ the cases

    private static void resourceCase(
            ProviderService service, Resource res, Gen g, StringBuilder input, List<String> p) {
        Block block = res.schema().block();
        CtyType.ObjectType type = block.impliedType();
        // Half the cases start from a configuration that plans, with a few attributes changed, so the
        // planner's depths see odd values too, not only validation.
        CtyValue config = g.r.nextBoolean() ? g.mutated(template(res), block) : g.object(block, Gen.Mode.CONFIG);
        input.append("config ").append(config);
        if (g.r.nextInt(20) == 0) {
            // A value of another type on the wire than the schema says.
            CtyType.ObjectType wrong = g.mistyped(type);
            CtyValue value = g.mistypedValue((CtyValue.ObjectVal) config, wrong);
            input.append("; mistyped as ").append(wrong).append(": ").append(value);
            Tfplugin6.ValidateResourceConfig.Response v = DirectCall.unary(
                    service::validateResourceConfig,
                    Tfplugin6.ValidateResourceConfig.Request.newBuilder()
                            .setTypeName(res.typeName())
                            .setConfig(dv(value, wrong))
                            .build());
            check("validate", v.getDiagnosticsList(), p);
            return;
        }
        Tfplugin6.ValidateResourceConfig.Response v = DirectCall.unary(
                service::validateResourceConfig,
                Tfplugin6.ValidateResourceConfig.Request.newBuilder()
                        .setTypeName(res.typeName())
                        .setConfig(dv(config, type))
                        .build());
        check("validate", v.getDiagnosticsList(), p);
        // Plan whether or not validate passed: a client may skip validation, and values validate saw
        // as unknown are known by plan time.
        CtyValue prior = CtyValue.nullOf(type);
        if (g.r.nextInt(3) == 0) {
            prior = g.object(block, Gen.Mode.STATE);
            input.append("; prior ").append(prior);
        }
        CtyValue proposed = proposed(block, prior, config);
        Tfplugin6.PlanResourceChange.Response plan = DirectCall.unary(
                service::planResourceChange,
                Tfplugin6.PlanResourceChange.Request.newBuilder()
                        .setTypeName(res.typeName())
                        .setPriorState(dv(prior, type))
                        .setProposedNewState(dv(proposed, type))
                        .setConfig(dv(config, type))
                        .build());
        check("plan", plan.getDiagnosticsList(), p);
        if (plan.hasPlannedState()) {
            PASSED.merge("plans", 1, Integer::sum);
        }
    }

    private static void dataSourceCase(
            ProviderService service, DataSource ds, Gen g, StringBuilder input, List<String> p) {
        Block block = ds.schema().block();
        CtyType.ObjectType type = block.impliedType();
        // Terraform reads a data source only with a wholly known configuration (it defers the read otherwise).
        CtyValue config = g.object(block, Gen.Mode.KNOWN_CONFIG);
        input.append("config ").append(config);
        Tfplugin6.ValidateDataResourceConfig.Response v = DirectCall.unary(
                service::validateDataResourceConfig,
                Tfplugin6.ValidateDataResourceConfig.Request.newBuilder()
                        .setTypeName(ds.typeName())
                        .setConfig(dv(config, type))
                        .build());
        check("validate", v.getDiagnosticsList(), p);
        Tfplugin6.ReadDataSource.Response r = DirectCall.unary(
                service::readDataSource,
                Tfplugin6.ReadDataSource.Request.newBuilder()
                        .setTypeName(ds.typeName())
                        .setConfig(dv(config, type))
                        .build());
        check("read", r.getDiagnosticsList(), p);
        if (r.hasState()) {
            PASSED.merge("reads", 1, Integer::sum);
        }
    }

    private static void providerCase(ProviderService service, Gen g, StringBuilder input, List<String> p) {
        Block block = ProviderConfigSchema.block();
        CtyType.ObjectType type = block.impliedType();
        // Half from the empty provider block (valid), with a few attributes changed.
        CtyValue config =
                g.r.nextBoolean() ? g.mutated(TfObject.empty(block), block) : g.object(block, Gen.Mode.CONFIG);
        input.append("config ").append(config);
        Tfplugin6.ValidateProviderConfig.Response v = DirectCall.unary(
                service::validateProviderConfig,
                Tfplugin6.ValidateProviderConfig.Request.newBuilder()
                        .setConfig(dv(config, type))
                        .build());
        check("validate", v.getDiagnosticsList(), p);
        Tfplugin6.ConfigureProvider.Response c = DirectCall.unary(
                service::configureProvider,
                Tfplugin6.ConfigureProvider.Request.newBuilder()
                        .setTerraformVersion("1.11.0")
                        .setConfig(dv(config, type))
                        .build());
        check("configure", c.getDiagnosticsList(), p);
        if (c.getDiagnosticsList().stream().noneMatch(d -> d.getSeverity() == Tfplugin6.Diagnostic.Severity.ERROR)) {
            PASSED.merge("configures", 1, Integer::sum);
        }
    }

    private static void functionCase(
            ProviderService service, ProviderFunction f, Gen g, StringBuilder input, List<String> p) {
        Tfplugin6.CallFunction.Request.Builder call =
                Tfplugin6.CallFunction.Request.newBuilder().setName(f.name());
        int count = g.r.nextInt(15) == 0 ? g.r.nextInt(3) : f.parameters().size();
        for (int i = 0; i < count; i++) {
            CtyType t = i < f.parameters().size()
                    ? f.parameters().get(i).type()
                    : f.parameters().get(0).type();
            CtyValue arg = g.value(t, "", Gen.Mode.CONFIG, 0);
            input.append(i == 0 ? "" : ", ").append(arg);
            call.addArguments(dv(arg, t));
        }
        Tfplugin6.CallFunction.Response r = DirectCall.unary(service::callFunction, call.build());
        if (!r.hasError()) {
            PASSED.merge("calls", 1, Integer::sum);
        } else {
            String text = r.getError().getText();
            if (text.startsWith("internal error") || mentionsJava(text)) {
                p.add("call: " + text);
            }
        }
    }

    private static void check(String rpc, List<Tfplugin6.Diagnostic> diagnostics, List<String> p) {
        for (Tfplugin6.Diagnostic d : diagnostics) {
            if (d.getSummary().startsWith("Unexpected provider error")
                    || d.getSummary().startsWith("Provider bug")
                    || mentionsJava(d.getSummary())
                    || mentionsJava(d.getDetail())) {
                p.add(rpc + ": " + d.getSummary() + ": " + abbreviate(d.getDetail(), 600));
            }
        }
    }

    private static boolean mentionsJava(String text) {
        return text.contains("java.") || text.contains("Exception") || text.contains("\tat ");
    }

    /** A configuration of {@code res} that plans on {@link #HOST}. */
    private static TfObject template(Resource res) {
        TfObject c = TfObject.empty(res.schema().block()).with("host", "h1");
        return switch (res.typeName()) {
            case "multikernel_pool" ->
                c.with("cpus", "4-7")
                        .with("memory", List.of(c.newNested("memory").with("size", "1GiB")));
            case "multikernel_instance" ->
                c.with("name", "web")
                        .with("cpus", "4-5")
                        .with("memory", "256MiB")
                        .with("kernel", "/boot/vmlinuz-mk");
            case "multikernel_overlay" -> c.with("cpu_add", "2-3");
            default -> throw new IllegalArgumentException(res.typeName());
        };
    }

    /** Terraform's proposed new state: the configuration, computed attributes it leaves null taken from the prior state. */
    private static CtyValue proposed(Block block, CtyValue prior, CtyValue config) {
        if (prior.isNull() || !(config instanceof CtyValue.ObjectVal c) || !(prior instanceof CtyValue.ObjectVal pr)) {
            return config;
        }
        Map<String, CtyValue> out = new HashMap<>(c.attributes());
        for (Attribute a : block.attributes()) {
            if (a.computed() && c.get(a.name()).isNull()) {
                out.put(a.name(), pr.get(a.name()));
            }
        }
        return CtyValue.object(c.type(), out);
    }

    private static Tfplugin6.DynamicValue dv(CtyValue v, CtyType type) {
        try {
            return Tfplugin6.DynamicValue.newBuilder()
                    .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(v, type)))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode " + abbreviate(String.valueOf(v), 300), e);
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " characters)";
    }

    // ------------------------------------------------------------------ the generator

    /** Random values for a schema: plausible ones for the attribute's name, adversarial ones, nulls and unknowns. */
    static final class Gen {
        enum Mode {
            /** A configuration: computed-only attributes null, unknowns anywhere. */
            CONFIG,
            /** A configuration Terraform sends wholly known. */
            KNOWN_CONFIG,
            /** A prior state: wholly known, computed attributes set too. */
            STATE
        }

        private static final Map<String, String[]> PLAUSIBLE = new HashMap<>();

        static {
            PLAUSIBLE.put("host", new String[] {"h1", "root@h1", "h1:22", "admin@10.0.0.5:2222", "[::1]:22"});
            PLAUSIBLE.put("name", new String[] {"web", "db", "db-1", "a.b_c"});
            PLAUSIBLE.put("instance", new String[] {"web", "db"});
            PLAUSIBLE.put("cpus", new String[] {"4-5", "4-7", "6", "4,5", "7,4-6", ""});
            PLAUSIBLE.put("cpu_add", new String[] {"4-5", "8", "4-7,10"});
            PLAUSIBLE.put("cpu_remove", new String[] {"6", "4-5"});
            PLAUSIBLE.put("memory", new String[] {"256MiB", "1GiB", "4K", "0x1000"});
            PLAUSIBLE.put("size", new String[] {"256MiB", "1GiB", "4096", "1.5GiB"});
            PLAUSIBLE.put("base", new String[] {"0x100000000", "4294967296", "0x140000000"});
            PLAUSIBLE.put("address", new String[] {"0000:03:00.0", "0000:00:1f.7"});
            PLAUSIBLE.put("device_add", new String[] {"0000:03:00.0"});
            PLAUSIBLE.put("device_remove", new String[] {"0000:03:00.0"});
            PLAUSIBLE.put("driver", new String[] {"vfio-pci", "nvme"});
            PLAUSIBLE.put("kernel", new String[] {"/boot/vmlinuz-mk"});
            PLAUSIBLE.put("initrd", new String[] {"/boot/initrd.img"});
            PLAUSIBLE.put("cmdline", new String[] {"console=ttyS0", ""});
            PLAUSIBLE.put("desired_state", new String[] {"active", "loaded", "ready"});
            PLAUSIBLE.put("cpu_policy", new String[] {"compact", "spread-numa", "same-numa-node"});
            PLAUSIBLE.put("halt_timeout", new String[] {"30s", "2m", "0s"});
            PLAUSIBLE.put("connect_timeout", new String[] {"15s", "1m"});
            PLAUSIBLE.put("command_timeout", new String[] {"1m"});
            PLAUSIBLE.put("host_key_policy", new String[] {"strict", "accept-new"});
            PLAUSIBLE.put("user", new String[] {"root", "admin"});
            PLAUSIBLE.put("private_key", new String[] {
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n"
            });
            PLAUSIBLE.put("private_key_file", new String[] {"/nonexistent/id_ed25519", "~/nonexistent"});
            PLAUSIBLE.put("private_key_passphrase", new String[] {"hunter2"});
            PLAUSIBLE.put("known_hosts_files", new String[] {"/nonexistent/known_hosts", "known_hosts"});
            PLAUSIBLE.put("host_key_pins", new String[] {"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"});
            PLAUSIBLE.put("helper_directory", new String[] {".cache/multikernel", "/var/lib/mk"});
            PLAUSIBLE.put("status", new String[] {"active", "ready", "failed"});
            PLAUSIBLE.put("interface_generation", new String[] {"current", "rfc-v2"});
            PLAUSIBLE.put("boot_id", new String[] {TestStates.BOOT, "boot-2"});
            PLAUSIBLE.put("id", new String[] {"h1:web", "h1", "h1:5"});
            PLAUSIBLE.put("cpulist", new String[] {"4-7,10", "", "0", "0-4095"});
        }

        private static final Map<String, long[]> PLAUSIBLE_NUMBERS = Map.of(
                "instance_id", new long[] {1, 2, 3, 2047},
                "cpu_count", new long[] {1, 2, 3},
                "numa_node", new long[] {0, 0, 1},
                "port", new long[] {22, 2222},
                "per_host_concurrency", new long[] {1, 4, 10},
                "transaction_id", new long[] {1, 5},
                "physical_cpu_ids", new long[] {TestStates.apic(4), TestStates.apic(5), 8});

        private static final String[] ADVERSARIAL_STRINGS = {
            "",
            " ",
            "\u0000",
            "\n",
            "\t",
            "é",
            "e\u0301",
            "日本語",
            "😀",
            "\u202e",
            "-1",
            "0",
            "1.5",
            "4-",
            "-4",
            "7-4",
            "4-7,6",
            "4-7:2/4",
            ",",
            "0x",
            "0xffffffffffffffffffff",
            "99999999999999999999999",
            "1e400GiB",
            "-1GiB",
            "0.1B",
            "1.5B",
            "NaN",
            "Infinity",
            "null",
            "${x}",
            "@",
            "a@b@c",
            "h1:0",
            "h1:99999",
            "h1:-1",
            ":",
            "[",
            "/",
            "..",
            "~",
            "~root",
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nSGVsbG8=\n-----END OPENSSH PRIVATE KEY-----",
            "SHA256:",
            "md5:aa",
            "0000:zz:00.0",
            "ffff:ff:1f.7",
            "1s1s",
            "-5s",
            "99999999999h",
            "h1:web:extra",
            "/instances/x"
        };

        private static final String[] NUMBERS = {
            "0",
            "1",
            "-1",
            "2",
            "5",
            "7",
            "1023",
            "1024",
            "2047",
            "2048",
            "4095",
            "4096",
            "8192",
            "65535",
            "65536",
            "0.5",
            "1.5",
            "2.5",
            "-0.5",
            "0.1",
            "2147483647",
            "2147483648",
            "4294967296",
            "9007199254740993",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "1e30",
            "1e-30",
            "1e9999",
            "-1e9999",
            "1e-9990",
            "+Inf",
            "-Inf"
        };

        final Random r;
        /**
         * How often a value is adversarial rather than plausible for its attribute, per case: low
         * levels make configurations that get past validation into the planner's depths.
         */
        private final double chaos;

        Gen(Random r) {
            this.r = r;
            this.chaos = new double[] {0.02, 0.1, 0.3, 0.6}[r.nextInt(4)];
        }

        private boolean plausible() {
            return r.nextDouble() >= chaos;
        }

        CtyValue object(Block block, Mode mode) {
            Map<String, CtyValue> attrs = new HashMap<>();
            for (Attribute a : block.attributes()) {
                if (mode != Mode.STATE && a.computed() && !a.optional() && !a.required()) {
                    attrs.put(a.name(), CtyValue.nullOf(a.type()));
                } else if (a.required()) {
                    // Terraform sends no configuration without its required attributes.
                    CtyValue v;
                    do {
                        v = a.nested().isPresent()
                                ? nested(a, a.nested().get(), mode)
                                : value(a.type(), a.name(), mode, 0);
                    } while (v.isNull());
                    attrs.put(a.name(), v);
                } else if (a.nested().isPresent()) {
                    attrs.put(a.name(), nested(a, a.nested().get(), mode));
                } else {
                    attrs.put(a.name(), value(a.type(), a.name(), mode, 0));
                }
            }
            for (NestedBlock b : block.blocks()) {
                attrs.put(b.typeName(), block(b, mode));
            }
            return CtyValue.object(block.impliedType(), attrs);
        }

        /** {@code base} with up to three of its configurable attributes given random values. */
        CtyValue mutated(TfObject base, Block block) {
            List<Attribute> settable = block.attributes().stream()
                    .filter(a -> a.optional() || a.required())
                    .toList();
            TfObject out = base;
            for (int i = r.nextInt(4); i > 0; i--) {
                Attribute a = settable.get(r.nextInt(settable.size()));
                CtyValue v = a.nested().isPresent()
                        ? nested(a, a.nested().get(), Mode.CONFIG)
                        : value(a.type(), a.name(), Mode.CONFIG, 0);
                if (a.required() && v.isNull()) {
                    continue;
                }
                out = out.with(a.name(), v);
            }
            return out.value();
        }

        /** {@code config} with the attributes whose type {@code wrong} changed given a (non-null) value of it. */
        CtyValue mistypedValue(CtyValue.ObjectVal config, CtyType.ObjectType wrong) {
            Map<String, CtyValue> attrs = new HashMap<>(config.attributes());
            wrong.attributes().forEach((name, t) -> {
                if (!t.equals(config.type().attributes().get(name))) {
                    CtyValue v;
                    do {
                        v = value(t, name, Mode.KNOWN_CONFIG, 1);
                    } while (v.isNull());
                    attrs.put(name, v);
                }
            });
            return CtyValue.object(wrong, attrs);
        }

        /** The type with one attribute of another type. */
        CtyType.ObjectType mistyped(CtyType.ObjectType type) {
            List<String> names = new ArrayList<>(type.attributes().keySet());
            String name = names.get(r.nextInt(names.size()));
            CtyType was = type.attributes().get(name);
            List<CtyType> others = new ArrayList<>(List.of(
                    CtyType.STRING,
                    CtyType.NUMBER,
                    CtyType.BOOL,
                    CtyType.list(CtyType.STRING),
                    CtyType.map(CtyType.NUMBER)));
            others.remove(was);
            Map<String, CtyType> attrs = new LinkedHashMap<>(type.attributes());
            attrs.put(name, others.get(r.nextInt(others.size())));
            return CtyType.object(attrs);
        }

        private CtyValue nested(Attribute a, NestedAttributes n, Mode mode) {
            CtyType t = a.type();
            int roll = r.nextInt(20);
            if (roll == 0 && mode == Mode.CONFIG) {
                return CtyValue.unknown(t);
            }
            if (roll <= 3) {
                return CtyValue.nullOf(t);
            }
            CtyType.ObjectType ot = n.objectType();
            return switch (n.nesting()) {
                case SINGLE, GROUP -> object(n.attributes(), mode);
                case LIST -> CtyValue.list(ot, elements(() -> object(n.attributes(), mode)));
                case SET -> CtyValue.set(ot, elements(() -> object(n.attributes(), mode)));
                case MAP -> CtyValue.map(ot, keyed(() -> object(n.attributes(), mode)));
            };
        }

        private CtyValue object(List<Attribute> attributes, Mode mode) {
            Block.Builder b = Block.builder();
            attributes.forEach(b::attribute);
            return object(b.build(), mode);
        }

        private CtyValue block(NestedBlock b, Mode mode) {
            CtyType.ObjectType ot = b.block().impliedType();
            if (b.nesting() == Nesting.SINGLE) {
                int roll = r.nextInt(10);
                if (roll < 4) {
                    return CtyValue.nullOf(ot);
                }
                if (roll == 4 && mode == Mode.CONFIG) {
                    return CtyValue.unknown(ot);
                }
                return object(b.block(), mode);
            }
            return switch (b.nesting()) {
                case GROUP -> object(b.block(), mode);
                case LIST -> CtyValue.list(ot, elements(() -> object(b.block(), mode)));
                case SET -> CtyValue.set(ot, elements(() -> object(b.block(), mode)));
                case MAP -> CtyValue.map(ot, keyed(() -> object(b.block(), mode)));
                case SINGLE -> throw new IllegalStateException();
            };
        }

        CtyValue value(CtyType t, String name, Mode mode, int depth) {
            int roll = r.nextInt(20);
            if (roll == 0 && mode == Mode.CONFIG && !plausible()) {
                return CtyValue.unknown(t);
            }
            if (roll <= 2 && mode != Mode.STATE || roll == 1 && !plausible()) {
                return CtyValue.nullOf(t);
            }
            if (t == CtyType.STRING) {
                return CtyValue.string(string(name));
            }
            if (t == CtyType.NUMBER) {
                return CtyValue.number(number(name));
            }
            if (t == CtyType.BOOL) {
                return CtyValue.bool(r.nextBoolean());
            }
            if (t instanceof CtyType.ListType l) {
                return CtyValue.list(l.element(), elements(() -> element(l.element(), name, mode, depth)));
            }
            if (t instanceof CtyType.SetType s) {
                return CtyValue.set(s.element(), elements(() -> element(s.element(), name, mode, depth)));
            }
            if (t instanceof CtyType.MapType m) {
                return CtyValue.map(m.element(), keyed(() -> element(m.element(), name, mode, depth)));
            }
            if (t instanceof CtyType.ObjectType o) {
                Map<String, CtyValue> attrs = new HashMap<>();
                o.attributes().forEach((n, at) -> attrs.put(n, value(at, n, mode, depth + 1)));
                return CtyValue.object(o, attrs);
            }
            return CtyValue.nullOf(t);
        }

        /** An element: inside a collection, unknowns and nulls are rarer (and absent from state). */
        private CtyValue element(CtyType t, String name, Mode mode, int depth) {
            if (mode == Mode.CONFIG && r.nextInt(25) == 0) {
                return CtyValue.unknown(t);
            }
            if (mode != Mode.STATE && r.nextInt(25) == 0) {
                return CtyValue.nullOf(t);
            }
            if (t == CtyType.STRING) {
                return CtyValue.string(string(name));
            }
            if (t == CtyType.NUMBER) {
                return CtyValue.number(number(name));
            }
            return value(t, name, mode == Mode.CONFIG ? Mode.KNOWN_CONFIG : mode, depth + 1);
        }

        private List<CtyValue> elements(Supplier<CtyValue> element) {
            int n = r.nextInt(10) == 0 ? 20 + r.nextInt(50) : r.nextInt(4);
            List<CtyValue> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(element.get());
            }
            return out;
        }

        private Map<String, CtyValue> keyed(Supplier<CtyValue> element) {
            int n = r.nextInt(4);
            Map<String, CtyValue> out = new LinkedHashMap<>();
            String[] keys = {"h1", "10.0.0.5", "", "😀", "a b", "[::1]", "H1"};
            for (int i = 0; i < n; i++) {
                out.put(keys[r.nextInt(keys.length)], element.get());
            }
            return out;
        }

        String string(String name) {
            String[] plausible = PLAUSIBLE.get(name);
            if (plausible != null && plausible()) {
                return plausible[r.nextInt(plausible.length)];
            }
            int roll = r.nextInt(10);
            if (roll == 5) {
                return randomText(1 + r.nextInt(r.nextBoolean() ? 8 : 3000));
            }
            if (roll == 6 && plausible != null) {
                // a plausible value, slightly damaged
                String base = plausible[r.nextInt(plausible.length)];
                String noise = ADVERSARIAL_STRINGS[r.nextInt(ADVERSARIAL_STRINGS.length)];
                return r.nextBoolean() ? base + noise : noise + base;
            }
            return ADVERSARIAL_STRINGS[r.nextInt(ADVERSARIAL_STRINGS.length)];
        }

        private String randomText(int length) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                int kind = r.nextInt(6);
                int cp = switch (kind) {
                    case 0 -> r.nextInt(0x20);
                    case 1 -> 0x20 + r.nextInt(0x5f);
                    case 2 -> 0xa0 + r.nextInt(0x2000);
                    case 3 -> 0x1f600 + r.nextInt(0x50);
                    default -> "0123456789-,:.x@/".charAt(r.nextInt(17));
                };
                b.appendCodePoint(cp);
            }
            return b.toString();
        }

        CtyNumber number(String name) {
            long[] plausible = PLAUSIBLE_NUMBERS.get(name);
            if (plausible != null && plausible()) {
                return CtyNumber.of(plausible[r.nextInt(plausible.length)]);
            }
            int roll = r.nextInt(4);
            if (roll == 0) {
                return CtyNumber.of(r.nextInt(20) - 2);
            }
            if (roll == 1) {
                return CtyNumber.of(new BigDecimal(new BigInteger(1 + r.nextInt(200), r), r.nextInt(40) - 20));
            }
            return CtyNumber.parse(NUMBERS[r.nextInt(NUMBERS.length)]);
        }
    }
}
