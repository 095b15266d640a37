"""Event-cluster figures for a database, and the multi-member clusters for a hand check.

    .venv/bin/python tools/clusters.py demo.duckdb [--dump clusters.json]
"""

from __future__ import annotations

import argparse
import json

import duckdb

FIELDS = ("event_id", "article_id", "sentence_index", "article_title", "published", "date",
          "date_precision", "source_text", "source_code", "target_text", "target_code",
          "plover", "cameo", "trigger", "place", "place_country", "sentence")
MEMBERS = """
SELECT e.event_id, e.article_id, e.sentence_index, a.title, a.published, e.date,
       e.date_precision, e.source.text, e.source.code, e.target.text, e.target.code,
       e.plover.event, e.cameo, e.trigger, e.location.name, e.location.country, e.sentence
FROM cluster_members m JOIN events e USING (event_id) JOIN articles a USING (article_id)
WHERE m.cluster_id = ? ORDER BY e.event_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db")
    parser.add_argument("--dump", help="Write every cluster of two or more events here.")
    args = parser.parse_args()
    with duckdb.connect(args.db, read_only=True) as con:
        def one(sql: str) -> int:
            return int(con.execute(sql).fetchall()[0][0])

        print(f"events                {one('SELECT count(*) FROM events')}")
        print(f"clusters              {one('SELECT count(*) FROM event_clusters')}")
        for size, count in con.execute("SELECT num_mentions, count(*) FROM event_clusters "
                                       "GROUP BY 1 ORDER BY 1").fetchall():
            print(f"  of {size} events        {count}")
        print("across articles       "
              f"{one('SELECT count(*) FROM event_clusters WHERE num_articles > 1')}")
        if args.dump:
            ids = [r[0] for r in con.execute("SELECT cluster_id FROM event_clusters WHERE "
                                             "num_mentions > 1 ORDER BY cluster_id").fetchall()]
            dump = [{"cluster_id": cid, "members": [
                dict(zip(FIELDS, (None if v is None else str(v) for v in row), strict=True))
                for row in con.execute(MEMBERS, [cid]).fetchall()]} for cid in ids]
            with open(args.dump, "w", encoding="utf-8") as handle:
                json.dump(dump, handle, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
