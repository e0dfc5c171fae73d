# A small configuration for the demo provider built on the tf-jvm bridge.
# scripts/demo.sh runs it: init (offline, from a local mirror), plan, apply, a plan that must
# show no changes, and destroy.

terraform {
  required_providers {
    demo = {
      source = "example.com/tfjvm/demo"
    }
  }
}

variable "store_dir" {
  type        = string
  description = "Where the demo provider keeps its objects (JSON files)."
}

provider "demo" {
  store_dir = var.store_dir
}

resource "demo_server" "web" {
  name  = "web"
  size  = 2
  tags  = { team = "platform" }
  ports = [22, 443]

  network {
    mode = "bridge"
  }

  disk {
    label   = "root"
    size_gb = 20
  }
}

data "demo_server" "web" {
  id = demo_server.web.id
}

output "server_id" {
  value = demo_server.web.id
}

output "disk_serial" {
  value = demo_server.web.disk[0].serial
}

output "memory_bytes" {
  value = provider::demo::parse_size("1.5GiB")
}
