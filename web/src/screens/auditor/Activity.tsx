import { api, call } from "../../api/client";
import type { EntityType } from "../../api/types";
import { formatDateTime } from "../../lib/format";
import { listParams, useListState, usePage } from "../../lib/list";
import { usePeople, PersonName } from "../../lib/people";
import { Card, Loadable } from "../../components/ui";
import { ListControls, Pager } from "../../components/ListControls";
import { sentenceOf } from "./Timeline";
import { useTranslation } from "../../i18n";

const TYPES: EntityType[] = ["order", "invoice", "financing", "organization", "policy", "token"];

/** The ledger's activity across records, filtered by kind and day, paged in chain order; each event links to its record. */
export function Activity() {
  const { t } = useTranslation();
  const list = useListState();
  const nameOf = usePeople();
  const events = usePage((s) => {
    const { from, to, cursor } = listParams(s);
    const entityType = TYPES.find((x) => x === s.status);
    return call(api.GET("/api/v1/audit/events", { params: { query: { entityType, from, to, cursor, limit: 20 } } }));
  }, list);
  const rows = events.data?.items ?? [];
  return (
    <Card title={t("activity.title")} testId="activity">
      <ListControls list={list} idPrefix="activity" statuses={["", ...TYPES]} statusWord={(v) => (v ? t(`entity.${v}`) : t("activity.anyKind"))} />
      <Loadable loading={events.loading && !events.data} error={events.error} empty={rows.length === 0}>
        <ol className="activity" data-testid="activity-list">
          {rows.map((e) => (
            <li key={e.id} data-testid="activity-event" data-event-type={e.eventType}>
              <a href={`#/ledger/${e.entityType}/${e.entityId}`}>{sentenceOf(e)}</a>
              <small className="muted block">
                {formatDateTime(e.timestamp)} · {t("timeline.actor")} <PersonName address={e.actor} nameOf={nameOf} />
              </small>
            </li>
          ))}
        </ol>
        <Pager list={list} nextCursor={events.data?.nextCursor} shown={rows.length} idPrefix="activity" />
      </Loadable>
    </Card>
  );
}
