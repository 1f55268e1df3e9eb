import { useEffect, useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { AuditEvent, EntityType } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { ActionStatus, Card, Field, fieldProps } from "../../components/ui";
import { Timeline } from "./Timeline";
import { ExportPanel } from "./ExportPanel";

const TYPES: [EntityType, string][] = [
  ["invoice", "Invoice"],
  ["order", "Order"],
  ["financing", "Financing request"],
  ["organization", "Organisation"],
];

/** Find one entity by id and read its history from the ledger index, verifying events against the chain. */
export function Explorer({ initial }: { initial: string[] }) {
  const [entityType, setEntityType] = useState<EntityType>((initial[0] as EntityType) || "invoice");
  const [id, setId] = useState(initial[1] ?? "");
  const [eventFilter, setEventFilter] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const action = useAction();

  const search = async (type: EntityType, entityId: string) => {
    const value = entityId.trim();
    if (!/^\d+$/.test(value)) {
      setProblem("Enter a numeric id, e.g. 1.");
      return;
    }
    setProblem(undefined);
    const found = await action.run(
      () => call(api.GET("/api/v1/audit/{entityType}/{id}/history", { params: { path: { entityType: type, id: value } } })).then((h) => h.items),
      (list) => `${list.length} event${list.length === 1 ? "" : "s"} for ${type} #${value}.`,
      "Reading the ledger history…",
    );
    if (found) {
      setEvents(found);
      setEventFilter("");
      navigate("ledger", type, value);
    }
  };

  useEffect(() => {
    if (initial[0] && initial[1] && events === null) void search(initial[0] as EntityType, initial[1]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search(entityType, id);
  };
  const types = [...new Set((events ?? []).map((e) => e.eventType))];
  const shown = (events ?? []).filter((e) => !eventFilter || e.eventType === eventFilter);

  return (
    <>
      <Card title="Find on the ledger" testId="explorer">
        <form onSubmit={submit} noValidate className="form-grid">
          <Field id="ex-type" label="What">
            <select id="ex-type" data-testid="explorer-type" value={entityType} onChange={(e) => setEntityType(e.target.value as EntityType)}>
              {TYPES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </Field>
          <Field id="ex-id" label="Id" error={problem}>
            <input {...fieldProps("ex-id", problem)} data-testid="explorer-id" inputMode="numeric" value={id} onChange={(e) => setId(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="explorer-search">Show history</button>
          </div>
        </form>
        <ActionStatus state={action.state} testId="explorer-status" />
      </Card>
      {events && (
        <Card title="Timeline" testId="explorer-timeline" actions={
          <span className="inline-field">
            <label htmlFor="ex-filter">Event type</label>
            <select id="ex-filter" value={eventFilter} onChange={(e) => setEventFilter(e.target.value)}>
              <option value="">All events</option>
              {types.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </span>
        }>
          <Timeline events={shown} />
        </Card>
      )}
      <ExportPanel />
    </>
  );
}
