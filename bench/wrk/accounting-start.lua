-- Accounting Start for new sessions: every request has a unique_id never
-- seen before, so each one inserts a radacct row.
local counter = 0
local tid = 0
function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
end
function init(args)
  math.randomseed(os.time() + tid)
  prefix = string.format("%x%04x", os.time(), tid)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("GORADIUS_API_TOKEN") or "")
function request()
  counter = counter + 1
  local uid = string.format("%s%016x", prefix, counter)
  local body = '{"status_type": "Start", "session_id": "' .. counter .. '", "unique_id": "' .. string.sub(uid, 1, 32) ..
    '", "username": "user' .. (counter % 1000) .. '", "realm": "", "nas_ip_address": "10.0.0.1", "nas_port_id": "1",' ..
    ' "nas_port_type": "Wireless-802.11", "session_time": "", "authentication": "RADIUS", "input_octets": "",' ..
    ' "output_octets": "", "called_station_id": "AA-BB-CC-00-00-01:wifi", "calling_station_id": "de:ad:be:ef:00:01",' ..
    ' "terminate_cause": "", "service_type": "Login-User", "framed_protocol": "", "framed_ip_address": ""}'
  return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
  if status ~= 201 then
    print("unexpected status " .. status .. ": " .. body)
  end
end
