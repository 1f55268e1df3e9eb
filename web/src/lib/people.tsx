import { listPeople } from "../api/queries";
import { ShortHash } from "../components/ui";
import { useResource } from "./hooks";
import { useTranslation } from "../i18n";

/**
 * The names of the people the caller may know (their organisation's, everyone's for auditors and the operator), by
 * address: approvers, actors and proposers are shown by name, their address kept as secondary detail.
 */
export function usePeople(): (address: string | null | undefined) => string | undefined {
  const people = useResource(() => listPeople(), ["people"]);
  const byAddress = new Map((people.data ?? []).map((p) => [p.address.toLowerCase(), p.name]));
  return (address) => (address ? byAddress.get(address.toLowerCase()) : undefined);
}

/** A person by name with their address in the title (copyable as a hash when no name is known). */
export function PersonName({ address, nameOf, testId }: { address: string | null | undefined; nameOf: (a: string | null | undefined) => string | undefined; testId?: string }) {
  const { t } = useTranslation();
  const name = nameOf(address);
  if (!address) return <span>—</span>;
  if (!name) return <ShortHash value={address} label={t("hash.actor")} testId={testId} />;
  return (
    <span className="person" title={address} data-address={address} data-testid={testId}>
      {name}
    </span>
  );
}
