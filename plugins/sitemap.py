"""sitemap.xml from the whole portal, instead of MkDocs' own.

MkDocs lists the pages it rendered with the build date as ``lastmod``; a portal built in
shards or reusing unchanged pages renders only some of them, and the build date says
nothing. This sitemap lists every page the build publishes, documents with their own
date, and becomes a sitemap index of parts of at most 50,000 addresses (the protocol's
limit) for large portals.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from portal_gen import Portal, SiteWriter, hookimpl

LIMIT = 50_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def entries(portal: Portal, page_uris: list[str]) -> list[tuple[str, str | None]]:
    """(absolute URL, lastmod) of every page, documents first in path order."""
    base = (portal.config.site_url or "").rstrip("/") + "/"
    rows: list[tuple[str, str | None]] = [
        (base + portal.url_of(doc), doc.date.isoformat())
        for doc in sorted(portal.published, key=lambda d: d.src_uri)
    ]
    rows += [(base + portal.page_url(uri), None) for uri in sorted(page_uris)]
    return rows


def urlset(rows: list[tuple[str, str | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    for url, lastmod in rows:
        lines.append(
            f"  <url><loc>{escape(url)}</loc>"
            + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
            + "</url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


@hookimpl
def portal_write_files(portal: Portal, writer: SiteWriter) -> None:
    if not portal.config.site_url:
        return  # relative sitemaps are invalid; feeds already require site_url
    rows = entries(portal, list(portal.site_pages))
    if len(rows) <= LIMIT:
        writer.write_text("sitemap.xml", urlset(rows))
        return
    base = portal.config.site_url.rstrip("/") + "/"
    parts = [rows[start : start + LIMIT] for start in range(0, len(rows), LIMIT)]
    index = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    for number, part in enumerate(parts, start=1):
        writer.write_text(f"sitemap-{number}.xml", urlset(part))
        index.append(f"  <sitemap><loc>{escape(base)}sitemap-{number}.xml</loc></sitemap>")
    index.append("</sitemapindex>")
    writer.write_text("sitemap.xml", "\n".join(index) + "\n")
