import { useEffect, useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { AuditEvent, EntityType } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { ActionStatus, Card, Field, fieldProps } from "../../components/ui";
import { Timeline } from "./Timeline";
import { ExportPanel } from "./ExportPanel";
import { Activity } from "./Activity";
import { pageFinancing, pageInvoices, pageOrders } from "../../api/queries";
import { useSession } from "../../lib/session";
import { t as translate, useTranslation } from "../../i18n";

const TYPES: EntityType[] = ["invoice", "order", "financing", "organization"];

/** Find one entity by id and read its history from the ledger index, verifying events against the chain. */
export function Explorer({ initial }: { initial: string[] }) {
  const { t } = useTranslation();
  const [entityType, setEntityType] = useState<EntityType>((initial[0] as EntityType) || "invoice");
  const [id, setId] = useState(initial[1] ?? "");
  const [eventFilter, setEventFilter] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [choices, setChoices] = useState<{ id: string; label: string }[]>([]);
  const action = useAction();
  const { orgs } = useSession();

  /** Records whose business number, reference or name holds `text`: invoice and PO numbers as the business knows them. */
  const matches = async (type: EntityType, text: string): Promise<{ id: string; label: string }[]> => {
    if (type === "invoice") return (await pageInvoices({ q: text, limit: 10 })).items.map((i) => ({ id: i.id, label: `#${i.id} · ${i.invoiceNumber} · ${i.supplierName} → ${i.buyerName}` }));
    if (type === "order") return (await pageOrders({ q: text, limit: 10 })).items.map((o) => ({ id: o.id, label: `#${o.id} · ${o.reference} · ${o.buyerName} → ${o.supplierName}` }));
    if (type === "financing") return (await pageFinancing({ q: text, limit: 10 })).items.map((f) => ({ id: f.id, label: `#${f.id} · ${f.bankName} · ${f.supplierName}` }));
    const needle = text.toLowerCase();
    return orgs.filter((o) => o.name.toLowerCase().includes(needle)).map((o) => ({ id: o.id, label: `#${o.id} · ${o.name}` }));
  };

  const search = async (type: EntityType, entityId: string) => {
    const value = entityId.trim();
    setChoices([]);
    if (!value) {
      setProblem(translate("explorer.needText"));
      return;
    }
    setProblem(undefined);
    if (!/^\d+$/.test(value)) {
      // A number or name as the business writes it: one match opens its history, several are offered.
      const found = await action.run(() => matches(type, value), (list) => translate("explorer.matches", { n: list.length, text: value }), translate("explorer.reading"));
      if (!found) return;
      if (found.length === 1) return search(type, found[0].id);
      setChoices(found);
      return;
    }
    const found = await action.run(
      () => call(api.GET("/api/v1/audit/{entityType}/{id}/history", { params: { path: { entityType: type, id: value } } })).then((h) => h.items),
      (list) => translate("explorer.found", { n: list.length, entity: translate(`entity.${type}`), id: value }),
      translate("explorer.reading"),
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
      <Card title={t("explorer.title")} testId="explorer">
        <form onSubmit={submit} noValidate className="form-grid">
          <Field id="ex-type" label={t("explorer.what")}>
            <select id="ex-type" data-testid="explorer-type" value={entityType} onChange={(e) => setEntityType(e.target.value as EntityType)}>
              {TYPES.map((value) => <option key={value} value={value}>{t(`entity.${value}`)}</option>)}
            </select>
          </Field>
          <Field id="ex-id" label={t("explorer.id")} error={problem}>
            <input {...fieldProps("ex-id", problem)} data-testid="explorer-id" value={id} onChange={(e) => setId(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="explorer-search">{t("explorer.search")}</button>
          </div>
        </form>
        <ActionStatus state={action.state} testId="explorer-status" />
        {choices.length > 0 && (
          <ul className="choices" data-testid="explorer-choices">
            {choices.map((c) => (
              <li key={c.id}><button type="button" className="link-button" onClick={() => { setId(c.id); void search(entityType, c.id); }}>{c.label}</button></li>
            ))}
          </ul>
        )}
      </Card>
      {events && (
        <Card title={t("explorer.timeline")} testId="explorer-timeline" actions={
          <span className="inline-field">
            <label htmlFor="ex-filter">{t("explorer.eventType")}</label>
            <select id="ex-filter" value={eventFilter} onChange={(e) => setEventFilter(e.target.value)}>
              <option value="">{t("explorer.allEvents")}</option>
              {types.map((type) => <option key={type} value={type}>{t(`eventName.${type}`, { defaultValue: type })}</option>)}
            </select>
          </span>
        }>
          <Timeline events={shown} />
        </Card>
      )}
      <Activity />
      <ExportPanel />
    </>
  );
}
