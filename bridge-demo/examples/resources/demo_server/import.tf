import {
  to = demo_server.web
  id = "srv-web"
}
