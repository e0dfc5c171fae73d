package dev.tfjvm.demo;

import java.nio.file.Path;

/** HCL configurations used by the demo's acceptance tests. */
final class DemoConfigs {
    private DemoConfigs() {}

    static String providerBlock(Path store) {
        return """
                terraform {
                  required_providers {
                    demo = { source = "example.com/tfjvm/demo" }
                  }
                }

                provider "demo" {
                  store_dir = "%s"
                  api_token = "not-a-real-token"
                }
                """.formatted(store.toAbsolutePath());
    }

    /** A demo_server using every kind of attribute and block, a data source and a function. */
    static String full(Path store, String name, String tagsHcl, String zone) {
        return providerBlock(store) + """

                resource "demo_server" "%1$s" {
                  name            = "%1$s"
                  zone            = "%3$s"
                  tags            = %2$s
                  ports           = [22, 443]
                  password        = "hunter2"
                  bootstrap_token = "s3cr3t-token"
                  legacy_flag     = "old"
                  endpoints = [
                    { name = "http", port = 80 },
                    { name = "admin", port = 8443 },
                  ]

                  network {
                    mode = "bridge"
                  }
                  disk {
                    label   = "root"
                    size_gb = 20
                  }
                  disk {
                    label   = "data"
                    size_gb = 100
                  }
                  rule {
                    port     = 22
                    protocol = "tcp"
                  }
                  rule {
                    port = 443
                  }
                }

                data "demo_server" "%1$s" {
                  id = demo_server.%1$s.id
                }

                output "root_bytes" {
                  value = provider::demo::parse_size("1.5GiB")
                }

                output "looked_up_team" {
                  value = data.demo_server.%1$s.tags["team"]
                }

                output "looked_up_size" {
                  value = data.demo_server.%1$s.size
                }
                """.formatted(name, tagsHcl, zone);
    }

    static String buggy(Path store, String misbehave, String extra) {
        return providerBlock(store) + """

                resource "demo_buggy" "b" {
                  value     = "v"
                  misbehave = "%s"
                  %s
                }
                """.formatted(misbehave, extra);
    }
}
