# Write-only: the token reaches the provider at apply time but is never stored in plan or state.
variable "bootstrap_token" {
  type      = string
  default   = null
  ephemeral = true
}

resource "demo_server" "web" {
  name  = "web"
  size  = 2
  zone  = "eu-1"
  tags  = { team = "platform" }
  ports = [22, 443]

  bootstrap_token = var.bootstrap_token

  endpoints = [
    { name = "api", port = 8080 },
  ]

  network {
    mode = "bridge"
  }

  disk {
    label   = "root"
    size_gb = 20
  }

  rule {
    port     = 443
    protocol = "tcp"
  }

  timeouts {
    create = "5m"
  }
}
