package dev.multikernel.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tfjvm.cty.CtyMsgpack;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import dev.tfjvm.server.ProviderService;
import dev.tfjvm.testing.DirectCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provider behind the real tfplugin6 service, RPC by RPC, as Terraform drives it. */
class MultikernelProviderTest {
    private final ProviderService service = new ProviderService(new MultikernelProvider());

    @Test
    void theSourceAddressIsTheOneTheBuildInstalls() {
        assertThat(Main.SOURCE_ADDRESS).isEqualTo(System.getProperty("provider.address"));
        assertThat(Main.SOURCE_ADDRESS).endsWith("/" + MultikernelProvider.TYPE_NAME);
    }

    @Test
    void schemaHasTheSshSettingsTheDataSourcesAndTheFunctions() {
        Tfplugin6.GetProviderSchema.Response r =
                DirectCall.unary(service::getProviderSchema, Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
        assertThat(r.getDiagnosticsList()).isEmpty();
        assertThat(r.getProvider().getBlock().getAttributesList())
                .extracting(a -> a.getName())
                .contains(
                        "user",
                        "port",
                        "private_key",
                        "private_key_file",
                        "use_agent",
                        "known_hosts_files",
                        "host_key_pins",
                        "host_key_policy",
                        "use_ssh_config",
                        "sudo",
                        "connect_timeout",
                        "command_timeout",
                        "helper_directory",
                        "per_host_concurrency");
        assertThat(r.getProvider().getBlock().getAttributesList())
                .filteredOn(a -> a.getName().startsWith("private_key"))
                .allMatch(a -> a.getSensitive() || a.getName().equals("private_key_file"));
        assertThat(r.getProvider().getBlock().getBlockTypesList())
                .extracting(b -> b.getTypeName())
                .containsExactly("proxy_jump");
        assertThat(r.getDataSourceSchemasMap()).containsOnlyKeys("multikernel_host", "multikernel_instances");
        assertThat(r.getProvider().getBlock().getDescription()).contains("**multikernel** provider");
        assertThat(r.getProvider().getBlock().getDescriptionKind()).isEqualTo(Tfplugin6.StringKind.MARKDOWN);
        assertThat(r.getResourceSchemasMap()).containsKey("multikernel_overlay");
        assertThat(r.getResourceSchemasMap()).containsKey("multikernel_pool");
        assertThat(r.getResourceSchemasMap()).containsKey("multikernel_instance");
        assertThat(r.getFunctionsMap())
                .containsOnlyKeys("cpulist_expand", "cpulist_compact", "size_parse", "size_format");
    }

    @Test
    void functionSignaturesOnTheWire() throws Exception {
        Tfplugin6.GetFunctions.Response r =
                DirectCall.unary(service::getFunctions, Tfplugin6.GetFunctions.Request.getDefaultInstance());
        assertThat(r.getFunctionsMap()).hasSize(4);
        assertSignature(r.getFunctionsOrThrow("cpulist_expand"), "cpulist", "\"string\"", "[\"list\",\"number\"]");
        assertSignature(r.getFunctionsOrThrow("cpulist_compact"), "cpus", "[\"list\",\"number\"]", "\"string\"");
        assertSignature(r.getFunctionsOrThrow("size_parse"), "size", "\"string\"", "\"number\"");
        assertSignature(r.getFunctionsOrThrow("size_format"), "bytes", "\"number\"", "\"string\"");
        for (Tfplugin6.Function f : r.getFunctionsMap().values()) {
            assertThat(f.getSummary()).isNotBlank();
            assertThat(f.getDescriptionKind()).isEqualTo(Tfplugin6.StringKind.MARKDOWN);
            assertThat(f.getDescription()).contains("```terraform\nprovider::multikernel::");
            assertThat(f.getParameters(0).getDescription()).isNotBlank();
            assertThat(f.getParameters(0).getAllowNullValue()).isFalse();
            assertThat(f.getParameters(0).getAllowUnknownValues()).isFalse();
        }
    }

    @Test
    void callsEachFunction() throws Exception {
        assertThat(result("cpulist_expand", CtyValue.string("4-7,10"), CtyType.list(CtyType.NUMBER)))
                .isEqualTo(CtyValue.list(
                        CtyType.NUMBER,
                        List.of(
                                CtyValue.number(4),
                                CtyValue.number(5),
                                CtyValue.number(6),
                                CtyValue.number(7),
                                CtyValue.number(10))));
        assertThat(result(
                        "cpulist_compact",
                        CtyValue.list(
                                CtyType.NUMBER,
                                List.of(
                                        CtyValue.number(10),
                                        CtyValue.number(4),
                                        CtyValue.number(5),
                                        CtyValue.number(6),
                                        CtyValue.number(7))),
                        CtyType.STRING))
                .isEqualTo(CtyValue.string("4-7,10"));
        assertThat(result("size_parse", CtyValue.string("1.5GiB"), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(1610612736L));
        assertThat(result("size_format", CtyValue.number(1610612736L), CtyType.STRING))
                .isEqualTo(CtyValue.string("1536MiB"));
    }

    @Test
    void errorsNameTheArgument() throws Exception {
        Tfplugin6.CallFunction.Response bad = callFunction("cpulist_expand", CtyValue.string("1,7-4"), CtyType.STRING);
        assertThat(bad.hasResult()).isFalse();
        assertThat(bad.getError().getText())
                .isEqualTo("\"7-4\" in \"1,7-4\": a range must go from low to high, such as \"4-7\"");
        assertThat(bad.getError().hasFunctionArgument()).isTrue();
        assertThat(bad.getError().getFunctionArgument()).isZero();

        Tfplugin6.CallFunction.Response nul =
                callFunction("size_parse", CtyValue.nullOf(CtyType.STRING), CtyType.STRING);
        assertThat(nul.getError().getText()).isEqualTo("argument \"size\" must not be null");
        assertThat(nul.getError().getFunctionArgument()).isZero();

        Tfplugin6.CallFunction.Response compact = callFunction(
                "cpulist_compact",
                CtyValue.list(CtyType.NUMBER, List.of(CtyValue.number(1), CtyValue.number(9000))),
                CtyType.list(CtyType.NUMBER));
        assertThat(compact.getError().getText())
                .isEqualTo("element 1 is 9000; CPU ids are whole numbers from 0 to 8191");
        assertThat(compact.getError().getFunctionArgument()).isZero();
    }

    private static void assertSignature(
            Tfplugin6.Function f, String parameter, String parameterType, String returnType) {
        assertThat(f.getParametersList()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo(parameter);
            assertThat(p.getType().toStringUtf8()).isEqualTo(parameterType);
        });
        assertThat(f.getReturn().getType().toStringUtf8()).isEqualTo(returnType);
        assertThat(f.hasVariadicParameter()).isFalse();
    }

    private CtyValue result(String name, CtyValue argument, CtyType returnType) throws Exception {
        Tfplugin6.CallFunction.Response r = callFunction(name, argument, argument.type());
        assertThat(r.hasError()).as(r.getError().getText()).isFalse();
        return CtyMsgpack.decode(r.getResult().getMsgpack().toByteArray(), returnType);
    }

    private Tfplugin6.CallFunction.Response callFunction(String name, CtyValue argument, CtyType type)
            throws Exception {
        return DirectCall.unary(
                service::callFunction,
                Tfplugin6.CallFunction.Request.newBuilder()
                        .setName(name)
                        .addArguments(Tfplugin6.DynamicValue.newBuilder()
                                .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(argument, type))))
                        .build());
    }
}
