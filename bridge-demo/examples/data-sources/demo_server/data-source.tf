data "demo_server" "web" {
  id = "srv-web"
}

output "web_size" {
  value = data.demo_server.web.size
}
