// Payloads are JSON; every user of AlphaCore also reads and writes them.
@_exported import AlphaJSON
