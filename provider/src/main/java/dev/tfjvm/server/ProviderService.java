package dev.tfjvm.server;

import dev.tfjvm.cty.CtyDecodeException;
import dev.tfjvm.cty.CtyJson;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.guard.TerraformRules;
import dev.tfjvm.log.Log;
import dev.tfjvm.proto.tfplugin6.ProviderGrpc;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.SchemaRules;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.StateUpgrader;
import dev.tfjvm.spi.TfObject;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The tfplugin6 Provider service: decodes Terraform's requests into typed values, calls the
 * provider's resources, checks their answers with {@link TerraformRules} and encodes the reply.
 * Every failure reaches Terraform as a diagnostic, never as a broken RPC.
 */
public final class ProviderService extends ProviderGrpc.ProviderImplBase implements AutoCloseable {
    private static final Log LOG = Log.get("plugin");
    /** How long operations told to stop at the session's end get to finish stopping. */
    static final long CLOSE_GRACE_SECONDS = 10;

    private final Provider provider;
    private final Map<String, ResourceType> resources = new LinkedHashMap<>();
    private final Map<String, DataSource> dataSources = new LinkedHashMap<>();
    private final Map<String, ProviderFunction> functions = new LinkedHashMap<>();
    private final Schema providerSchema;
    private final OperationRunner runner = new OperationRunner();
    private volatile boolean writeOnlyAllowed = true;

    /**
     * @throws IllegalArgumentException when a schema breaks a rule Terraform enforces; the message
     *     lists every violation so the author can fix them all at once
     */
    public ProviderService(Provider provider) {
        this.provider = provider;
        this.providerSchema = provider.schema();
        List<String> problems = new ArrayList<>(
                SchemaRules.problems("provider " + provider.typeName(), providerSchema, provider.configValidators()));
        for (var r : provider.resources()) {
            ResourceType rt = new ResourceType(r);
            resources.put(r.typeName(), rt);
            problems.addAll(SchemaRules.problems(r.typeName(), rt.schema, r.configValidators()));
        }
        for (DataSource ds : provider.dataSources()) {
            dataSources.put(ds.typeName(), ds);
            problems.addAll(SchemaRules.problems("data." + ds.typeName(), ds.schema(), ds.configValidators()));
        }
        for (ProviderFunction f : provider.functions()) {
            functions.put(f.name(), f);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid provider schema:\n  " + String.join("\n  ", problems));
        }
    }

    // ---------------------------------------------------------------- schema

    @Override
    public void getProviderSchema(
            Tfplugin6.GetProviderSchema.Request request, StreamObserver<Tfplugin6.GetProviderSchema.Response> out) {
        Tfplugin6.GetProviderSchema.Response.Builder b = Tfplugin6.GetProviderSchema.Response.newBuilder()
                .setProvider(Wire.schema(providerSchema))
                .setServerCapabilities(Tfplugin6.ServerCapabilities.newBuilder()
                        .setPlanDestroy(false)
                        .setGetProviderSchemaOptional(true));
        resources.forEach((name, rt) -> b.putResourceSchemas(name, Wire.schema(rt.schema)));
        dataSources.forEach((name, ds) -> b.putDataSourceSchemas(name, Wire.schema(ds.schema())));
        functions.forEach((name, f) -> b.putFunctions(name, Wire.function(f)));
        reply(out, b.build());
    }

    @Override
    public void getFunctions(
            Tfplugin6.GetFunctions.Request request, StreamObserver<Tfplugin6.GetFunctions.Response> out) {
        Tfplugin6.GetFunctions.Response.Builder b = Tfplugin6.GetFunctions.Response.newBuilder();
        functions.forEach((name, f) -> b.putFunctions(name, Wire.function(f)));
        reply(out, b.build());
    }

    // ---------------------------------------------------------------- provider

    @Override
    public void validateProviderConfig(
            Tfplugin6.ValidateProviderConfig.Request request,
            StreamObserver<Tfplugin6.ValidateProviderConfig.Response> out) {
        answer(
                out,
                () -> Optional.of(providerSchema.block()),
                d -> {
                    CtyValue config = Wire.decode(request.getConfig(), providerSchema.impliedType());
                    ConfigValidation.validateThen(
                            providerSchema.block(),
                            provider.configValidators(),
                            config,
                            true,
                            d,
                            own -> provider.validateConfig(TfObject.of(providerSchema.block(), config), own));
                    return Tfplugin6.ValidateProviderConfig.Response.newBuilder();
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ValidateProviderConfig.Response::newBuilder,
                Tfplugin6.ValidateProviderConfig.Response.Builder::build);
    }

    @Override
    public void configureProvider(
            Tfplugin6.ConfigureProvider.Request request, StreamObserver<Tfplugin6.ConfigureProvider.Response> out) {
        answer(
                out,
                () -> Optional.of(providerSchema.block()),
                d -> {
                    writeOnlyAllowed = request.hasClientCapabilities()
                            ? request.getClientCapabilities().getWriteOnlyAttributesAllowed()
                            : writeOnlyAllowed;
                    CtyValue raw = Wire.decode(request.getConfig(), providerSchema.impliedType());
                    if (ConfigValidation.refuses(providerSchema.block(), provider.configValidators(), raw, d)) {
                        return Tfplugin6.ConfigureProvider.Response.newBuilder();
                    }
                    TfObject config = raw.isNull()
                            ? TfObject.empty(providerSchema.block())
                            : TfObject.of(providerSchema.block(), raw);
                    runner.run("configure the provider", Optional.empty(), d, ctx -> {
                        provider.configure(new Contexts.Configure(ctx, config, request.getTerraformVersion()));
                        return null;
                    });
                    return Tfplugin6.ConfigureProvider.Response.newBuilder();
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ConfigureProvider.Response::newBuilder,
                Tfplugin6.ConfigureProvider.Response.Builder::build);
    }

    /**
     * Ends the service with its session: when Terraform went away mid-operation (killed, or its
     * launcher gone), the operations still running are stopped as Ctrl-C would stop them, so
     * nothing goes on changing hosts for a Terraform that can no longer record it. Waits up to
     * {@value #CLOSE_GRACE_SECONDS} s for them to finish stopping.
     */
    @Override
    public void close() {
        int stopped = runner.close(java.time.Duration.ofSeconds(CLOSE_GRACE_SECONDS));
        if (stopped > 0) {
            LOG.warn("Terraform went away with operations in flight; they were told to stop", "operations", stopped);
        }
    }

    @Override
    public void stopProvider(
            Tfplugin6.StopProvider.Request request, StreamObserver<Tfplugin6.StopProvider.Response> out) {
        // Advisory cancellation: in-flight work is interrupted; the process keeps serving.
        runner.stopAll();
        reply(out, Tfplugin6.StopProvider.Response.newBuilder().setError("").build());
    }

    // ---------------------------------------------------------------- resources

    @Override
    public void validateResourceConfig(
            Tfplugin6.ValidateResourceConfig.Request request,
            StreamObserver<Tfplugin6.ValidateResourceConfig.Response> out) {
        answer(
                out,
                () -> resourceBlock(request.getTypeName()),
                d -> {
                    ResourceType rt = resource(request.getTypeName());
                    CtyValue config = Wire.decode(request.getConfig(), rt.type);
                    boolean wo = !request.hasClientCapabilities()
                            || request.getClientCapabilities().getWriteOnlyAttributesAllowed();
                    ConfigValidation.validateThen(
                            rt.block,
                            rt.resource.configValidators(),
                            config,
                            wo,
                            d,
                            own -> rt.resource.validate(TfObject.of(rt.block, config), own));
                    return Tfplugin6.ValidateResourceConfig.Response.newBuilder();
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ValidateResourceConfig.Response::newBuilder,
                Tfplugin6.ValidateResourceConfig.Response.Builder::build);
    }

    @Override
    public void upgradeResourceState(
            Tfplugin6.UpgradeResourceState.Request request,
            StreamObserver<Tfplugin6.UpgradeResourceState.Response> out) {
        answer(
                out,
                () -> resourceBlock(request.getTypeName()),
                d -> {
                    ResourceType rt = resource(request.getTypeName());
                    byte[] json = request.getRawState().getJson().toByteArray();
                    if (json.length == 0) {
                        throw new ResourceException(
                                "Unsupported state format",
                                "The state of this " + rt.resource.typeName()
                                        + " is in the pre-0.12 flatmap format, which this"
                                        + " provider cannot read. Remove it from state and import it again.");
                    }
                    long version = request.getVersion();
                    long current = rt.schema.version();
                    CtyValue upgraded;
                    if (version == current) {
                        upgraded = CtyJson.decode(json, rt.type);
                    } else if (version > current) {
                        throw new ResourceException(
                                "State written by a newer provider",
                                "This state was written with schema version " + version + " of "
                                        + rt.resource.typeName() + ", but this provider only knows up to version "
                                        + current + ". Use a newer provider.");
                    } else {
                        StateUpgrader up = rt.resource.stateUpgraders().get(version);
                        if (up == null) {
                            throw new ResourceException(
                                    "Cannot upgrade state",
                                    rt.resource.typeName() + " has no upgrade from schema version " + version + " to "
                                            + current + ". This is a bug in the provider; please report it.");
                        }
                        CtyValue old = CtyJson.decode(json, up.priorSchema().impliedType());
                        TfObject result = up.upgrade()
                                .apply(TfObject.of(up.priorSchema().block(), old), TfObject.empty(rt.block));
                        upgraded = result.value();
                    }
                    upgraded = PlanEngine.dropWriteOnly(rt.block, upgraded);
                    guard(d, TerraformRules.checkState(rt.resource.typeName(), "state upgrade", rt.block, upgraded));
                    return Tfplugin6.UpgradeResourceState.Response.newBuilder()
                            .setUpgradedState(Wire.encode(upgraded, rt.type));
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.UpgradeResourceState.Response::newBuilder,
                Tfplugin6.UpgradeResourceState.Response.Builder::build);
    }

    @Override
    public void readResource(
            Tfplugin6.ReadResource.Request request, StreamObserver<Tfplugin6.ReadResource.Response> out) {
        answer(
                out,
                () -> resourceBlock(request.getTypeName()),
                d -> {
                    ResourceType rt = resource(request.getTypeName());
                    CtyValue current = Wire.decode(request.getCurrentState(), rt.type);
                    Tfplugin6.ReadResource.Response.Builder b =
                            Tfplugin6.ReadResource.Response.newBuilder().setPrivate(request.getPrivate());
                    if (current.isNull()) {
                        return b.setNewState(Wire.encode(current, rt.type));
                    }
                    TfObject state = TfObject.of(rt.block, current);
                    try {
                        Optional<TfObject> now = runner.run(
                                "read " + rt.resource.typeName(),
                                rt.timeout("read", Optional.of(state)),
                                d,
                                ctx -> rt.resource.read(new Contexts.Read(ctx, state)));
                        CtyValue result = now.map(o -> carryTimeouts(rt, o.value(), current))
                                .orElse(CtyValue.nullOf(rt.type));
                        guard(d, TerraformRules.checkState(rt.resource.typeName(), "refresh", rt.block, result));
                        return b.setNewState(Wire.encode(d.hasErrors() ? current : result, rt.type));
                    } catch (ResourceException e) {
                        // A failed read keeps the state Terraform has: never mistake an error for "gone".
                        d.add(toDiagnostic(e));
                        return b.setNewState(Wire.encode(current, rt.type));
                    }
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ReadResource.Response::newBuilder,
                Tfplugin6.ReadResource.Response.Builder::build);
    }

    @Override
    public void planResourceChange(
            Tfplugin6.PlanResourceChange.Request request, StreamObserver<Tfplugin6.PlanResourceChange.Response> out) {
        answer(
                out,
                () -> resourceBlock(request.getTypeName()),
                d -> {
                    ResourceType rt = resource(request.getTypeName());
                    CtyValue prior = Wire.decode(request.getPriorState(), rt.type);
                    CtyValue proposed = Wire.decode(request.getProposedNewState(), rt.type);
                    CtyValue config = Wire.decode(request.getConfig(), rt.type);
                    Tfplugin6.PlanResourceChange.Response.Builder b = Tfplugin6.PlanResourceChange.Response.newBuilder()
                            .setPlannedPrivate(request.getPriorPrivate());
                    if (proposed.isNull()) {
                        return b.setPlannedState(Wire.encode(proposed, rt.type));
                    }
                    if (ConfigValidation.refuses(rt.block, rt.resource.configValidators(), config, d)) {
                        return b;
                    }
                    PlanEngine.Result framework = PlanEngine.plan(rt.block, prior, config, proposed);
                    List<CtyPath> replace = new ArrayList<>(framework.requiresReplace());
                    Contexts.Plan plan = runner.run("plan " + rt.resource.typeName(), Optional.empty(), d, ctx -> {
                        Contexts.Plan p = new Contexts.Plan(
                                ctx,
                                TfObject.of(rt.block, config),
                                TfObject.ofNullable(rt.block, prior),
                                TfObject.of(rt.block, framework.planned()),
                                replace);
                        rt.resource.modifyPlan(p);
                        return p;
                    });
                    if (d.hasErrors()) {
                        return b;
                    }
                    CtyValue plannedValue = plan.planned().value();
                    guard(d, TerraformRules.checkPlan(rt.resource.typeName(), rt.block, prior, config, plannedValue));
                    if (d.hasErrors()) {
                        return b;
                    }
                    for (CtyPath p : replace) {
                        b.addRequiresReplace(Wire.path(p));
                    }
                    return b.setPlannedState(Wire.encode(plannedValue, rt.type));
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.PlanResourceChange.Response::newBuilder,
                Tfplugin6.PlanResourceChange.Response.Builder::build);
    }

    @Override
    public void applyResourceChange(
            Tfplugin6.ApplyResourceChange.Request request, StreamObserver<Tfplugin6.ApplyResourceChange.Response> out) {
        answer(
                out,
                () -> resourceBlock(request.getTypeName()),
                d -> {
                    ResourceType rt = resource(request.getTypeName());
                    CtyValue prior = Wire.decode(request.getPriorState(), rt.type);
                    CtyValue planned = Wire.decode(request.getPlannedState(), rt.type);
                    CtyValue config = Wire.decode(request.getConfig(), rt.type);
                    Tfplugin6.ApplyResourceChange.Response.Builder b =
                            Tfplugin6.ApplyResourceChange.Response.newBuilder().setPrivate(request.getPlannedPrivate());
                    boolean delete = planned.isNull();
                    String op = prior.isNull() ? "create" : delete ? "delete" : "update";
                    Optional<TfObject> priorObj = TfObject.ofNullable(rt.block, prior);
                    // A delete has no configuration: its timeout comes from the state.
                    Optional<TfObject> timeoutSource = TfObject.ofNullable(rt.block, delete ? prior : config);
                    CtyValue result;
                    try {
                        result = runner.<CtyValue>run(
                                op + " " + rt.resource.typeName(), rt.timeout(op, timeoutSource), d, ctx -> {
                                    if (delete) {
                                        rt.resource.delete(new Contexts.Delete(ctx, priorObj.orElseThrow()));
                                        return CtyValue.nullOf(rt.type);
                                    }
                                    ApplyContext ac = new Contexts.Apply(
                                            ctx,
                                            TfObject.of(rt.block, config),
                                            TfObject.of(rt.block, planned),
                                            priorObj);
                                    return (priorObj.isEmpty() ? rt.resource.create(ac) : rt.resource.update(ac))
                                            .value();
                                });
                    } catch (ResourceException e) {
                        d.add(toDiagnostic(e));
                        // Keep track of what exists: the partial state if the object was created, else the prior state.
                        CtyValue keep =
                                e.partialState().<CtyValue>map(TfObject::value).orElse(prior);
                        keep = PlanEngine.dropWriteOnly(rt.block, keep);
                        return b.setNewState(Wire.encode(keep, rt.type));
                    }
                    if (!delete) {
                        result = PlanEngine.dropWriteOnly(rt.block, result);
                    }
                    guard(d, TerraformRules.checkApply(rt.resource.typeName(), rt.block, planned, result, delete));
                    if (d.hasErrors() && !delete) {
                        // The object exists but its state breaks the rules: store what the plan promised so
                        // Terraform keeps tracking it, marked tainted because of the error.
                        return b.setNewState(Wire.encode(result.isWhollyKnown() ? result : prior, rt.type));
                    }
                    return b.setNewState(Wire.encode(result, rt.type));
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ApplyResourceChange.Response::newBuilder,
                Tfplugin6.ApplyResourceChange.Response.Builder::build);
    }

    @Override
    public void importResourceState(
            Tfplugin6.ImportResourceState.Request request, StreamObserver<Tfplugin6.ImportResourceState.Response> out) {
        answer(
                out,
                () -> resourceBlock(request.getTypeName()),
                d -> {
                    ResourceType rt = resource(request.getTypeName());
                    TfObject imported = runner.run(
                            "import " + rt.resource.typeName(),
                            Optional.empty(),
                            d,
                            ctx -> rt.resource.importState(request.getId(), TfObject.empty(rt.block), ctx));
                    CtyValue state = PlanEngine.dropWriteOnly(rt.block, imported.value());
                    guard(d, TerraformRules.checkState(rt.resource.typeName(), "import", rt.block, state));
                    Tfplugin6.ImportResourceState.Response.Builder b =
                            Tfplugin6.ImportResourceState.Response.newBuilder();
                    if (!d.hasErrors()) {
                        b.addImportedResources(Tfplugin6.ImportResourceState.ImportedResource.newBuilder()
                                .setTypeName(rt.resource.typeName())
                                .setState(Wire.encode(state, rt.type)));
                    }
                    return b;
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ImportResourceState.Response::newBuilder,
                Tfplugin6.ImportResourceState.Response.Builder::build);
    }

    // ---------------------------------------------------------------- data sources

    @Override
    public void validateDataResourceConfig(
            Tfplugin6.ValidateDataResourceConfig.Request request,
            StreamObserver<Tfplugin6.ValidateDataResourceConfig.Response> out) {
        answer(
                out,
                () -> dataSourceBlock(request.getTypeName()),
                d -> {
                    DataSource ds = dataSource(request.getTypeName());
                    CtyValue config =
                            Wire.decode(request.getConfig(), ds.schema().impliedType());
                    ConfigValidation.validateThen(
                            ds.schema().block(),
                            ds.configValidators(),
                            config,
                            true,
                            d,
                            own -> ds.validate(TfObject.of(ds.schema().block(), config), own));
                    return Tfplugin6.ValidateDataResourceConfig.Response.newBuilder();
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ValidateDataResourceConfig.Response::newBuilder,
                Tfplugin6.ValidateDataResourceConfig.Response.Builder::build);
    }

    @Override
    public void readDataSource(
            Tfplugin6.ReadDataSource.Request request, StreamObserver<Tfplugin6.ReadDataSource.Response> out) {
        answer(
                out,
                () -> dataSourceBlock(request.getTypeName()),
                d -> {
                    DataSource ds = dataSource(request.getTypeName());
                    CtyType.ObjectType type = ds.schema().impliedType();
                    CtyValue raw = Wire.decode(request.getConfig(), type);
                    if (raw.isNull()) {
                        d.error(
                                "Provider could not read Terraform's request",
                                "the data source's configuration is null");
                        return Tfplugin6.ReadDataSource.Response.newBuilder();
                    }
                    if (ConfigValidation.refuses(ds.schema().block(), ds.configValidators(), raw, d)) {
                        return Tfplugin6.ReadDataSource.Response.newBuilder();
                    }
                    TfObject config = TfObject.of(ds.schema().block(), raw);
                    TfObject result = runner.run(
                            "read data source " + ds.typeName(),
                            Optional.empty(),
                            d,
                            ctx -> ds.read(new Contexts.Data(ctx, config)));
                    guard(
                            d,
                            TerraformRules.checkState(
                                    ds.typeName(),
                                    "data source read",
                                    ds.schema().block(),
                                    result.value()));
                    Tfplugin6.ReadDataSource.Response.Builder b = Tfplugin6.ReadDataSource.Response.newBuilder();
                    return d.hasErrors() ? b : b.setState(Wire.encode(result.value(), type));
                },
                (b, diags) -> b.addAllDiagnostics(diags),
                Tfplugin6.ReadDataSource.Response::newBuilder,
                Tfplugin6.ReadDataSource.Response.Builder::build);
    }

    // ---------------------------------------------------------------- functions

    @Override
    public void callFunction(
            Tfplugin6.CallFunction.Request request, StreamObserver<Tfplugin6.CallFunction.Response> out) {
        Tfplugin6.CallFunction.Response.Builder b = Tfplugin6.CallFunction.Response.newBuilder();
        ProviderFunction f = functions.get(request.getName());
        if (f == null) {
            reply(
                    out,
                    b.setError(Tfplugin6.FunctionError.newBuilder()
                                    .setText("this provider has no function named \"" + request.getName()
                                            + "\"; it has: " + String.join(", ", functions.keySet())))
                            .build());
            return;
        }
        try {
            List<CtyValue> args = new ArrayList<>();
            for (int i = 0; i < request.getArgumentsCount(); i++) {
                ProviderFunction.Parameter p = i < f.parameters().size()
                        ? f.parameters().get(i)
                        : f.variadicParameter().orElse(null);
                if (p == null) {
                    throw new ProviderFunction.FunctionException(
                            f.name() + " takes " + f.parameters().size() + " argument(s), but "
                                    + request.getArgumentsCount() + " were given",
                            i);
                }
                CtyValue v;
                try {
                    v = Wire.decode(request.getArguments(i), p.type());
                } catch (CtyDecodeException e) {
                    throw new ProviderFunction.FunctionException("argument \"" + p.name() + "\": " + e.getMessage(), i);
                }
                if (v.isNull() && !p.allowNull()) {
                    throw new ProviderFunction.FunctionException("argument \"" + p.name() + "\" must not be null", i);
                }
                args.add(v);
            }
            int required = f.parameters().size();
            if (args.size() < required) {
                throw new ProviderFunction.FunctionException(
                        f.name() + " takes " + (f.variadicParameter().isPresent() ? "at least " : "") + required
                                + " argument(s), but " + args.size() + " were given");
            }
            for (int i = 0; i < args.size(); i++) {
                ProviderFunction.Parameter p = i < required
                        ? f.parameters().get(i)
                        : f.variadicParameter().orElseThrow();
                if (!p.allowUnknown() && !args.get(i).isWhollyKnown()) {
                    // What Terraform does itself for such a parameter: the result is not known yet.
                    reply(
                            out,
                            b.setResult(Wire.encode(CtyValue.unknown(f.returnType()), f.returnType()))
                                    .build());
                    return;
                }
            }
            CtyValue result = f.call(args);
            reply(out, b.setResult(Wire.encode(result, f.returnType())).build());
        } catch (ProviderFunction.FunctionException e) {
            Tfplugin6.FunctionError.Builder err =
                    Tfplugin6.FunctionError.newBuilder().setText(e.getMessage());
            e.argument().ifPresent(i -> err.setFunctionArgument(i));
            reply(out, b.setError(err).build());
        } catch (Exception | LinkageError e) {
            reply(
                    out,
                    b.setError(Tfplugin6.FunctionError.newBuilder().setText("internal error in " + f.name() + ": " + e))
                            .build());
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Work that answers one RPC; diagnostics go into {@code d}. */
    @FunctionalInterface
    private interface Handler<B> {
        B handle(Diagnostics d) throws Exception;
    }

    private <B, R> void answer(
            StreamObserver<R> out,
            Supplier<Optional<Block>> schema,
            Handler<B> handler,
            java.util.function.BiFunction<B, List<Tfplugin6.Diagnostic>, B> withDiagnostics,
            java.util.function.Supplier<B> fresh,
            Function<B, R> build) {
        Diagnostics d = new Diagnostics();
        B builder;
        try {
            builder = handler.handle(d);
        } catch (ResourceException e) {
            d.add(toDiagnostic(e));
            builder = fresh.get();
        } catch (dev.tfjvm.spi.AttributeValueException e) {
            d.add(toDiagnostic(e.toResourceException()));
            builder = fresh.get();
        } catch (CtyDecodeException e) {
            d.error("Provider could not read Terraform's request", e.getMessage());
            builder = fresh.get();
        } catch (Exception | LinkageError e) {
            d.error("Unexpected provider error", e + " — this is a bug in the provider; please report it.");
            builder = fresh.get();
        }
        Optional<Block> block = schema.get();
        List<Diagnostic> placed =
                d.all().stream().map(x -> DiagnosticPlacement.place(x, block)).toList();
        reply(out, build.apply(withDiagnostics.apply(builder, Wire.diagnostics(placed))));
    }

    private static <R> void reply(StreamObserver<R> out, R response) {
        out.onNext(response);
        out.onCompleted();
    }

    private static void guard(Diagnostics d, List<Diagnostic> violations) {
        d.addAll(violations);
    }

    private static Diagnostic toDiagnostic(ResourceException e) {
        return e.path()
                .map(p -> Diagnostic.error(p, e.summary(), e.detail()))
                .orElseGet(() -> Diagnostic.error(e.summary(), e.detail()));
    }

    /** The timeouts block lives only in configuration and state, never on the remote object: keep it across reads. */
    private static CtyValue carryTimeouts(ResourceType rt, CtyValue read, CtyValue current) {
        if (rt.block.block(ResourceType.TIMEOUTS).isEmpty()
                || !(read instanceof CtyValue.ObjectVal r)
                || !(current instanceof CtyValue.ObjectVal c)) {
            return read;
        }
        Map<String, CtyValue> attrs = new LinkedHashMap<>(r.attributes());
        attrs.put(ResourceType.TIMEOUTS, c.get(ResourceType.TIMEOUTS));
        return CtyValue.object(r.type(), attrs);
    }

    /** The schema a resource type's diagnostics are placed in; empty for a type this provider lacks. */
    private Optional<Block> resourceBlock(String typeName) {
        return Optional.ofNullable(resources.get(typeName)).map(rt -> rt.block);
    }

    private Optional<Block> dataSourceBlock(String typeName) {
        return Optional.ofNullable(dataSources.get(typeName))
                .map(ds -> ds.schema().block());
    }

    private ResourceType resource(String typeName) throws ResourceException {
        ResourceType rt = resources.get(typeName);
        if (rt == null) {
            throw new ResourceException(
                    "Unknown resource type",
                    "This provider has no resource type \"" + typeName + "\". It has: "
                            + String.join(", ", resources.keySet()));
        }
        return rt;
    }

    private DataSource dataSource(String typeName) throws ResourceException {
        DataSource ds = dataSources.get(typeName);
        if (ds == null) {
            throw new ResourceException(
                    "Unknown data source",
                    "This provider has no data source \"" + typeName + "\". It has: "
                            + String.join(", ", dataSources.keySet()));
        }
        return ds;
    }
}
