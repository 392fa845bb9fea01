-- Authorize for a user that does not exist, as FreeRADIUS's rest module
-- sends it (JSON, every value a string).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("GORADIUS_API_TOKEN") or "")
wrk.body = '{"username": "nobody-here", "password": "whatever"}'
