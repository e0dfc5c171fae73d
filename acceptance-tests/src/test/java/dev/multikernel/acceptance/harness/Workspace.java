package dev.multikernel.acceptance.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Terraform working directory run with the real {@code terraform}, attached to a provider
 * served in the test JVM (TF_REATTACH_PROVIDERS). Every command runs with {@code -no-color}
 * and without input; results keep the exit code, stdout and stderr ({@link TerraformCli.Result#errors()}
 * folds stderr's white space and box drawing, as Terraform wraps long diagnostics).
 */
public final class Workspace {
    static final ObjectMapper JSON = new ObjectMapper();

    private final TerraformCli cli;
    private final String header;

    public Workspace(Path dir, String reattach, String header) {
        this.cli = new TerraformCli(dir).withReattach(reattach);
        this.header = header;
    }

    public Path dir() {
        return cli.workDir();
    }

    public TerraformCli cli() {
        return cli;
    }

    /** Writes main.tf: the fleet's terraform and provider blocks followed by {@code hcl}. */
    public Workspace main(String hcl) {
        cli.file("main.tf", header + hcl);
        return this;
    }

    /** Writes main.tf exactly as given (no provider block added). */
    public Workspace rawMain(String hcl) {
        cli.file("main.tf", hcl);
        return this;
    }

    public Workspace file(String name, String content) {
        cli.file(name, content);
        return this;
    }

    public TerraformCli.Result run(String... args) {
        return cli.run(args);
    }

    public TerraformCli.Result init() {
        return cli.run("init", "-no-color", "-input=false");
    }

    public TerraformCli.Result validate() {
        return cli.run("validate", "-no-color");
    }

    public TerraformCli.Result plan(String... extra) {
        return cli.run(args(List.of("plan", "-no-color", "-input=false"), extra));
    }

    /** {@code plan -detailed-exitcode}: 0 no changes, 1 error, 2 changes. */
    public TerraformCli.Result detailedPlan(String... extra) {
        return cli.run(args(List.of("plan", "-no-color", "-input=false", "-detailed-exitcode"), extra));
    }

    /** {@code plan -refresh-only -detailed-exitcode}. */
    public TerraformCli.Result refreshOnlyPlan(String... extra) {
        return cli.run(
                args(List.of("plan", "-no-color", "-input=false", "-refresh-only", "-detailed-exitcode"), extra));
    }

    public TerraformCli.Result apply(String... extra) {
        return cli.run(args(List.of("apply", "-no-color", "-input=false", "-auto-approve"), extra));
    }

    public TerraformCli.Result destroy(String... extra) {
        return cli.run(args(List.of("destroy", "-no-color", "-input=false", "-auto-approve"), extra));
    }

    public TerraformCli.Result importResource(String address, String id) {
        return cli.run("import", "-no-color", "-input=false", address, id);
    }

    /** Runs and fails with everything Terraform printed unless it exits with {@code expected}. */
    public static TerraformCli.Result expect(int expected, TerraformCli.Result r) {
        if (r.exitCode() != expected) {
            throw new AssertionError("expected exit " + expected + " from " + r);
        }
        return r;
    }

    /** {@code terraform show -json} of the state. */
    public TfState state() {
        TerraformCli.Result r = expect(0, cli.run("show", "-json", "-no-color"));
        try {
            return new TfState(JSON.readTree(r.stdout()));
        } catch (IOException e) {
            throw new UncheckedIOException("terraform show -json printed no JSON: " + r.stdout(), e);
        }
    }

    /** {@code terraform output -json NAME}. */
    public JsonNode output(String name) {
        TerraformCli.Result r = expect(0, cli.run("output", "-json", name));
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] args(List<String> base, String... extra) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }
}
