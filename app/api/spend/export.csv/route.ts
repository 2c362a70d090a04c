import { requireUser } from "@/lib/auth";
import { route } from "@/lib/http";
import { usageCsvStream } from "@/lib/spend/csv";
import { readQuery } from "@/lib/http/params";
import { lastDayOf, rangeFromQuery } from "@/lib/spend/range";
import { rangeQuerySchema } from "@/lib/spend/schemas";

// GET /api/spend/export.csv?from=YYYY-MM-DD&to=YYYY-MM-DD — the caller's usage rows as CSV.
export const GET = route(async (request) => {
  const user = await requireUser();
  const range = rangeFromQuery(readQuery(request, rangeQuerySchema, "export"), { surface: "export" });
  const name = `switchboard-usage-${range.from.toISOString().slice(0, 10)}-to-${lastDayOf(range)}.csv`;
  return new Response(usageCsvStream(user.id, range), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
