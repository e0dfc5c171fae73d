# Server ids are "srv-" followed by the server's name.
terraform import demo_server.web srv-web
