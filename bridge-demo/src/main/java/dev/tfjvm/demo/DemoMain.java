package dev.tfjvm.demo;

import dev.tfjvm.TerraformPlugin;

/** Entry point of terraform-provider-demo. */
public final class DemoMain {
    public static final String SOURCE = "example.com/tfjvm/demo";

    private DemoMain() {}

    public static void main(String[] args) {
        TerraformPlugin.serve(args, SOURCE, launch -> new DemoProvider(launch));
    }
}
