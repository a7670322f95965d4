"""Local counterparts of outside systems (the national e-ID provider, an SMS gateway, a payment
gateway) for development and tests. Each serves real HTTP on 127.0.0.1; none is ever started in
production."""
