-- Test-only Prosody plugin: outgoing s2s to the domains in `test_host_map` connects to the
-- given "address:port" instead of asking DNS (Prosody 0.12 has no setting for this, and the
-- test domains under .test never resolve). Loaded from a private plugin_paths by
-- tests/integration/prosody_peer.py; never installed anywhere.
local service = require "net.resolvers.service";
local basic = require "net.resolvers.basic";
local manual = require "net.resolvers.manual";

local host_map = module:get_option("test_host_map", {});
local original_new = service.new;

function service.new(hostname, service_name, conn_type, extra)
	local target = host_map[hostname];
	if not target then
		return original_new(hostname, service_name, conn_type, extra);
	end
	-- mod_s2s also tries direct TLS (_xmpps-server) first: a mapped domain has none.
	if service_name ~= "xmpp-server" then
		return manual.new({}, conn_type, extra);
	end
	local address, port = target:match("^(.+):(%d+)$");
	module:log("debug", "s2s to %s goes to %s:%s (test_host_map)", hostname, address, port);
	return basic.new(address, tonumber(port), conn_type, extra);
end

module:log("info", "test_host_map: %d mapped domain(s)", (function()
	local n = 0; for _ in pairs(host_map) do n = n + 1; end; return n; end)());
