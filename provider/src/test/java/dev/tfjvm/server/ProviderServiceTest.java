package dev.tfjvm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tfjvm.cty.CtyMsgpack;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.Validators;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.OperationCancelledException;
import dev.tfjvm.spi.OperationTimeouts;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import dev.tfjvm.testing.DirectCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The service driven RPC by RPC, as Terraform would, without a network in between. */
class ProviderServiceTest {
    static volatile CountDownLatch SLOW_STARTED = new CountDownLatch(1);

    static class Thing implements Resource {
        @Override
        public String typeName() {
            return "t_thing";
        }

        @Override
        public Schema schema() {
            return Schema.of(Block.builder()
                    .attribute(Attribute.string("name").required().validators(Validators.oneOf("a", "b", "slow")))
                    .attribute(Attribute.string("id").computed())
                    .build());
        }

        /** Repeats the schema's oneOf, as a reader that parses the whole configuration does, and adds its own rule. */
        @Override
        public void validate(TfObject config, Diagnostics d) {
            String name = config.string("name").orElse("");
            if (!List.of("a", "b", "slow").contains(name)) {
                d.error(CtyPath.ROOT.attr("name"), "Invalid name", "name must be a, b or slow");
            }
            if (name.startsWith("zz")) {
                d.warning(CtyPath.ROOT.attr("name"), "Sleepy name", "a name of z's is hard to read");
            }
            if (name.equals("b")) {
                d.error(CtyPath.ROOT.attr("name"), "Name b is retired", "use a");
            }
        }

        @Override
        public Optional<OperationTimeouts> timeouts() {
            return Optional.of(OperationTimeouts.of(Duration.ofMinutes(1), null, null, null));
        }

        @Override
        public TfObject create(ApplyContext c) throws ResourceException {
            if (c.planned().requireString("name").equals("slow")) {
                SLOW_STARTED.countDown();
                while (true) {
                    c.checkStopped();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new OperationCancelledException("interrupted");
                    }
                }
            }
            return c.planned().with("id", "id-" + c.planned().requireString("name"));
        }

        @Override
        public Optional<TfObject> read(ReadContext c) {
            return Optional.of(c.state());
        }

        @Override
        public TfObject update(ApplyContext c) {
            return c.planned();
        }

        @Override
        public void delete(DeleteContext c) {}
    }

    static class TestProvider implements Provider {
        @Override
        public String typeName() {
            return "t";
        }

        @Override
        public Schema schema() {
            return Schema.of(Block.empty());
        }

        @Override
        public void configure(ConfigureContext context) {}

        @Override
        public List<Resource> resources() {
            return List.of(new Thing());
        }

        @Override
        public List<ProviderFunction> functions() {
            return List.of(new ProviderFunction() {
                @Override
                public String name() {
                    return "twice";
                }

                @Override
                public List<Parameter> parameters() {
                    return List.of(Parameter.of("n", CtyType.NUMBER, "a number"));
                }

                @Override
                public CtyType returnType() {
                    return CtyType.NUMBER;
                }

                @Override
                public String summary() {
                    return "doubles";
                }

                @Override
                public CtyValue call(List<CtyValue> args) throws FunctionException {
                    long n = ((CtyValue.Num) args.get(0)).value().longValueExact();
                    if (n < 0) {
                        throw new FunctionException("n must not be negative", 0);
                    }
                    return CtyValue.number(2 * n);
                }
            });
        }
    }

    private final ProviderService service = new ProviderService(new TestProvider());
    private final CtyType.ObjectType type = new ResourceType(new Thing()).type;

    private Tfplugin6.DynamicValue dv(CtyValue v) throws Exception {
        return Tfplugin6.DynamicValue.newBuilder()
                .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(v, type)))
                .build();
    }

    private CtyValue config(String name) {
        return CtyValue.object(type, Map.of("name", CtyValue.string(name)));
    }

    @Test
    void schemaIncludesTheTimeoutsBlockAndFunctions() {
        Tfplugin6.GetProviderSchema.Response r =
                DirectCall.unary(service::getProviderSchema, Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
        assertThat(r.getResourceSchemasMap()).containsKey("t_thing");
        assertThat(r.getResourceSchemasOrThrow("t_thing").getBlock().getBlockTypesList())
                .extracting(Tfplugin6.Schema.NestedBlock::getTypeName)
                .containsExactly("timeouts");
        assertThat(r.getFunctionsMap()).containsKey("twice");
        assertThat(r.hasProvider()).isTrue();
    }

    @Test
    void validationErrorsCarryTheAttributePath() throws Exception {
        Tfplugin6.ValidateResourceConfig.Response r = DirectCall.unary(
                service::validateResourceConfig,
                Tfplugin6.ValidateResourceConfig.Request.newBuilder()
                        .setTypeName("t_thing")
                        .setConfig(dv(config("zzz")))
                        .build());
        assertThat(r.getDiagnosticsList())
                .filteredOn(d -> d.getSeverity() == Tfplugin6.Diagnostic.Severity.ERROR)
                .as("the resource's own check of the same attribute is not a second error")
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getDetail()).contains("\"zzz\" is not one of: a, b, slow");
                    assertThat(d.getAttribute().getSteps(0).getAttributeName()).isEqualTo("name");
                });
        assertThat(r.getDiagnosticsList())
                .extracting(Tfplugin6.Diagnostic::getSummary)
                .as("warnings are kept")
                .contains("Sleepy name");
    }

    @Test
    void anAuthorErrorTheSchemaDidNotFindIsKept() throws Exception {
        Tfplugin6.ValidateResourceConfig.Response r = DirectCall.unary(
                service::validateResourceConfig,
                Tfplugin6.ValidateResourceConfig.Request.newBuilder()
                        .setTypeName("t_thing")
                        .setConfig(dv(config("b")))
                        .build());
        assertThat(r.getDiagnosticsList())
                .singleElement()
                .satisfies(d -> assertThat(d.getSummary()).isEqualTo("Name b is retired"));
    }

    @Test
    void planThenApplyProducesAWhollyKnownState() throws Exception {
        CtyValue none = CtyValue.nullOf(type);
        Tfplugin6.PlanResourceChange.Response plan = DirectCall.unary(
                service::planResourceChange,
                Tfplugin6.PlanResourceChange.Request.newBuilder()
                        .setTypeName("t_thing")
                        .setPriorState(dv(none))
                        .setProposedNewState(dv(config("a")))
                        .setConfig(dv(config("a")))
                        .build());
        assertThat(plan.getDiagnosticsList()).isEmpty();
        CtyValue.ObjectVal planned = (CtyValue.ObjectVal)
                CtyMsgpack.decode(plan.getPlannedState().getMsgpack().toByteArray(), type);
        assertThat(planned.get("id").isKnown()).isFalse();

        Tfplugin6.ApplyResourceChange.Response apply = DirectCall.unary(
                service::applyResourceChange,
                Tfplugin6.ApplyResourceChange.Request.newBuilder()
                        .setTypeName("t_thing")
                        .setPriorState(dv(none))
                        .setPlannedState(plan.getPlannedState())
                        .setConfig(dv(config("a")))
                        .build());
        assertThat(apply.getDiagnosticsList()).isEmpty();
        CtyValue.ObjectVal state = (CtyValue.ObjectVal)
                CtyMsgpack.decode(apply.getNewState().getMsgpack().toByteArray(), type);
        assertThat(state.get("id")).isEqualTo(CtyValue.string("id-a"));
    }

    @Test
    void unknownResourceTypesGetADiagnosticListingTheKnownOnes() throws Exception {
        Tfplugin6.ReadResource.Response r = DirectCall.unary(
                service::readResource,
                Tfplugin6.ReadResource.Request.newBuilder()
                        .setTypeName("t_nope")
                        .build());
        assertThat(r.getDiagnosticsList())
                .singleElement()
                .satisfies(d -> assertThat(d.getDetail()).contains("t_nope").contains("t_thing"));
    }

    @Test
    void malformedValuesFromTheWireBecomeDiagnostics() {
        Tfplugin6.PlanResourceChange.Response r = DirectCall.unary(
                service::planResourceChange,
                Tfplugin6.PlanResourceChange.Request.newBuilder()
                        .setTypeName("t_thing")
                        .setProposedNewState(Tfplugin6.DynamicValue.newBuilder()
                                .setMsgpack(ByteString.copyFrom(new byte[] {(byte) 0x82, 1})))
                        .build());
        assertThat(r.getDiagnosticsList())
                .singleElement()
                .satisfies(d -> assertThat(d.getSummary()).contains("could not read Terraform's request"));
    }

    @Test
    void functionErrorsNameTheArgument() throws Exception {
        Tfplugin6.CallFunction.Response ok = DirectCall.unary(
                service::callFunction,
                Tfplugin6.CallFunction.Request.newBuilder()
                        .setName("twice")
                        .addArguments(numberArg(21))
                        .build());
        assertThat(CtyMsgpack.decode(ok.getResult().getMsgpack().toByteArray(), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(42));
        Tfplugin6.CallFunction.Response bad = DirectCall.unary(
                service::callFunction,
                Tfplugin6.CallFunction.Request.newBuilder()
                        .setName("twice")
                        .addArguments(numberArg(-1))
                        .build());
        assertThat(bad.getError().getText()).isEqualTo("n must not be negative");
        assertThat(bad.getError().getFunctionArgument()).isZero();
        Tfplugin6.CallFunction.Response none = DirectCall.unary(
                service::callFunction,
                Tfplugin6.CallFunction.Request.newBuilder()
                        .setName("twice")
                        .addArguments(Tfplugin6.DynamicValue.getDefaultInstance())
                        .build());
        assertThat(none.getError().getText()).contains("must not be null");
    }

    @Test
    void planRefusesAValueTheSchemasValidatorsRefuseBeforeTheResourceSeesIt() throws Exception {
        // Terraform validates first; a plan that comes with a refused value anyway (a value validate saw as
        // unknown) gets the validator's error, never the resource's code.
        Tfplugin6.PlanResourceChange.Response r = DirectCall.unary(
                service::planResourceChange,
                Tfplugin6.PlanResourceChange.Request.newBuilder()
                        .setTypeName("t_thing")
                        .setPriorState(dv(CtyValue.nullOf(type)))
                        .setProposedNewState(dv(config("zzz")))
                        .setConfig(dv(config("zzz")))
                        .build());
        assertThat(r.hasPlannedState()).isFalse();
        assertThat(r.getDiagnosticsList())
                .as("the error only: validate gave the warnings")
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getSeverity()).isEqualTo(Tfplugin6.Diagnostic.Severity.ERROR);
                    assertThat(d.getDetail()).isEqualTo("\"zzz\" is not one of: a, b, slow.");
                    assertThat(d.getAttribute().getSteps(0).getAttributeName()).isEqualTo("name");
                });
    }

    @Test
    void aNullElementOfANestedAttributeIsAnErrorAndTheResourceNeverReadsIt() throws Exception {
        ProviderService nested = new ProviderService(new TestProvider() {
            @Override
            public List<Resource> resources() {
                return List.of(new Thing() {
                    @Override
                    public String typeName() {
                        return "t_nested";
                    }

                    @Override
                    public Schema schema() {
                        return Schema.of(Block.builder()
                                .attribute(Attribute.nested(
                                                "memory",
                                                dev.tfjvm.schema.Nesting.LIST,
                                                Attribute.string("size").required())
                                        .optional())
                                .build());
                    }

                    @Override
                    public Optional<OperationTimeouts> timeouts() {
                        return Optional.empty();
                    }

                    @Override
                    public void validate(TfObject config, Diagnostics d) {
                        config.objects("memory").forEach(m -> m.requireString("size"));
                    }
                });
            }
        });
        CtyType.ObjectType t = Schema.of(Block.builder()
                        .attribute(Attribute.nested(
                                        "memory",
                                        dev.tfjvm.schema.Nesting.LIST,
                                        Attribute.string("size").required())
                                .optional())
                        .build())
                .impliedType();
        CtyType.ObjectType element =
                (CtyType.ObjectType) ((CtyType.ListType) t.attributes().get("memory")).element();
        CtyValue config = CtyValue.object(
                t,
                Map.of(
                        "memory",
                        CtyValue.list(
                                element,
                                List.of(
                                        CtyValue.object(element, Map.of("size", CtyValue.string("1GiB"))),
                                        CtyValue.nullOf(element)))));
        Tfplugin6.DynamicValue dv = Tfplugin6.DynamicValue.newBuilder()
                .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(config, t)))
                .build();
        Tfplugin6.ValidateResourceConfig.Response v = DirectCall.unary(
                nested::validateResourceConfig,
                Tfplugin6.ValidateResourceConfig.Request.newBuilder()
                        .setTypeName("t_nested")
                        .setConfig(dv)
                        .build());
        assertThat(v.getDiagnosticsList()).singleElement().satisfies(d -> {
            assertThat(d.getSummary()).isEqualTo("Null element in memory");
            assertThat(d.getDetail())
                    .isEqualTo("memory[1] is null: each element of memory must be an object. Remove the null element.");
            assertThat(d.getAttribute().getStepsList())
                    .extracting(s -> s.hasAttributeName() ? s.getAttributeName() : "[" + s.getElementKeyInt() + "]")
                    .containsExactly("memory", "[1]");
        });
        Tfplugin6.PlanResourceChange.Response p = DirectCall.unary(
                nested::planResourceChange,
                Tfplugin6.PlanResourceChange.Request.newBuilder()
                        .setTypeName("t_nested")
                        .setPriorState(Tfplugin6.DynamicValue.newBuilder()
                                .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(CtyValue.nullOf(t), t))))
                        .setProposedNewState(dv)
                        .setConfig(dv)
                        .build());
        assertThat(p.getDiagnosticsList())
                .extracting(Tfplugin6.Diagnostic::getSummary)
                .containsExactly("Null element in memory");
    }

    @Test
    void codeFarFromTheContextCanWarnTheOperationRunningOnItsThread() throws Exception {
        assertThat(dev.tfjvm.spi.CurrentOperation.get())
                .as("outside an operation")
                .isEmpty();
        ProviderService far = new ProviderService(new TestProvider() {
            @Override
            public List<Resource> resources() {
                return List.of(new Thing() {
                    @Override
                    public void modifyPlan(dev.tfjvm.spi.PlanContext plan) {
                        dev.tfjvm.spi.CurrentOperation.get()
                                .orElseThrow()
                                .diagnostics()
                                .warning("Noted", "by a connection pool");
                    }
                });
            }
        });
        Tfplugin6.PlanResourceChange.Response r = DirectCall.unary(
                far::planResourceChange,
                Tfplugin6.PlanResourceChange.Request.newBuilder()
                        .setTypeName("t_thing")
                        .setPriorState(dv(CtyValue.nullOf(type)))
                        .setProposedNewState(dv(config("a")))
                        .setConfig(dv(config("a")))
                        .build());
        assertThat(r.hasPlannedState()).isTrue();
        assertThat(r.getDiagnosticsList()).singleElement().satisfies(d -> {
            assertThat(d.getSeverity()).isEqualTo(Tfplugin6.Diagnostic.Severity.WARNING);
            assertThat(d.getSummary() + ": " + d.getDetail()).isEqualTo("Noted: by a connection pool");
        });
    }

    @Test
    void aFunctionCalledWithTooFewArgumentsOrAnUnknownOneDoesNotRunIt() throws Exception {
        Tfplugin6.CallFunction.Response none = DirectCall.unary(
                service::callFunction,
                Tfplugin6.CallFunction.Request.newBuilder().setName("twice").build());
        assertThat(none.getError().getText()).isEqualTo("twice takes 1 argument(s), but 0 were given");
        assertThat(none.getError().hasFunctionArgument()).isFalse();
        Tfplugin6.CallFunction.Response unknown = DirectCall.unary(
                service::callFunction,
                Tfplugin6.CallFunction.Request.newBuilder()
                        .setName("twice")
                        .addArguments(Tfplugin6.DynamicValue.newBuilder()
                                .setMsgpack(ByteString.copyFrom(
                                        CtyMsgpack.encode(CtyValue.unknown(CtyType.NUMBER), CtyType.NUMBER))))
                        .build());
        assertThat(unknown.hasError()).isFalse();
        assertThat(CtyMsgpack.decode(unknown.getResult().getMsgpack().toByteArray(), CtyType.NUMBER)
                        .isKnown())
                .isFalse();
    }

    private static Tfplugin6.DynamicValue numberArg(long n) throws Exception {
        return Tfplugin6.DynamicValue.newBuilder()
                .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(CtyValue.number(n), CtyType.NUMBER)))
                .build();
    }

    @Test
    void stopProviderCancelsAnApplyInFlightAndKeepsServing() throws Exception {
        SLOW_STARTED = new CountDownLatch(1);
        CompletableFuture<Tfplugin6.ApplyResourceChange.Response> apply = slowApply();
        assertThat(SLOW_STARTED.await(30, TimeUnit.SECONDS)).isTrue();
        Tfplugin6.StopProvider.Response stop =
                DirectCall.unary(service::stopProvider, Tfplugin6.StopProvider.Request.getDefaultInstance());
        assertThat(stop.getError()).isEmpty();
        Tfplugin6.ApplyResourceChange.Response r = apply.get(30, TimeUnit.SECONDS);
        assertThat(r.getDiagnosticsList())
                .singleElement()
                .satisfies(d -> assertThat(d.getSummary()).isEqualTo("Operation cancelled"));
        // the service still answers after a stop
        assertThat(DirectCall.unary(
                                service::getProviderSchema, Tfplugin6.GetProviderSchema.Request.getDefaultInstance())
                        .getResourceSchemasMap())
                .containsKey("t_thing");
    }

    @Test
    void closingTheServiceStopsOperationsStillRunningAndRefusesNewOnes() throws Exception {
        SLOW_STARTED = new CountDownLatch(1);
        CompletableFuture<Tfplugin6.ApplyResourceChange.Response> apply = slowApply();
        assertThat(SLOW_STARTED.await(30, TimeUnit.SECONDS)).isTrue();
        long before = System.nanoTime();
        service.close();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - before))
                .as("close waits only for the stop")
                .isLessThan(ProviderService.CLOSE_GRACE_SECONDS);
        Tfplugin6.ApplyResourceChange.Response r = apply.get(30, TimeUnit.SECONDS);
        assertThat(r.getDiagnosticsList())
                .singleElement()
                .satisfies(d -> assertThat(d.getSummary()).isEqualTo("Operation cancelled"));
        Tfplugin6.ApplyResourceChange.Response late = slowApply().get(30, TimeUnit.SECONDS);
        assertThat(late.getDiagnosticsList()).singleElement().satisfies(d -> {
            assertThat(d.getSummary()).isEqualTo("Operation cancelled");
            assertThat(d.getDetail()).contains("stopping");
        });
    }

    private CompletableFuture<Tfplugin6.ApplyResourceChange.Response> slowApply() {
        CtyValue none = CtyValue.nullOf(type);
        CtyValue planned =
                CtyValue.object(type, Map.of("name", CtyValue.string("slow"), "id", CtyValue.unknown(CtyType.STRING)));
        CompletableFuture<Tfplugin6.ApplyResourceChange.Response> apply = CompletableFuture.supplyAsync(() -> {
            try {
                return DirectCall.unary(
                        service::applyResourceChange,
                        Tfplugin6.ApplyResourceChange.Request.newBuilder()
                                .setTypeName("t_thing")
                                .setPriorState(dv(none))
                                .setPlannedState(dv(planned))
                                .setConfig(dv(config("slow")))
                                .build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return apply;
    }
}
