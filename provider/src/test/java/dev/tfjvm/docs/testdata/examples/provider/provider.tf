provider "toy" {
  endpoint = "https://toys.example.com"
}
