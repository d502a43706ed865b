vcl 4.1;
# Varnish in front of `linkeddata serve`: every GET and HEAD is cached as the server's headers say
# (Cache-Control max-age, ETag, Last-Modified, and Vary: Accept, Accept-Language, Accept-Encoding, Origin),
# so each client gets the format and language it asks for, and conditional requests are answered with 304.
# A contribution accepted through this cache (a 2xx answer to POST/PUT/DELETE under /contributions) bans every
# cached object at once; a write that bypasses the cache is seen at the latest when max-age (300 s) runs out,
# and the stale copy is then revalidated with If-None-Match rather than fetched again.
# Run: varnishd -a :80 -f deploy/varnish.vcl -s malloc,256m, with the server started with
# --public-url set to the address clients use (the cache's, not the server's).

import std;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The server sets no cookies and reads none; a browser's cookies for the site must not split the cache.
    unset req.http.Cookie;
}

sub vcl_backend_response {
    if (bereq.method ~ "^(POST|PUT|DELETE)$" && bereq.url ~ "^/contributions" &&
        beresp.status >= 200 && beresp.status < 300) {
        std.ban("obj.status != 0");
    }
    # Stale objects are kept a day to be revalidated (If-None-Match) instead of fetched whole.
    set beresp.keep = 1d;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
