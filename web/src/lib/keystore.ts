// The browser's own signing key for a self-custodied person: created here, kept only as a standard Web3 Secret
// Storage JSON keystore (encrypted under the person's passphrase by ethers' Wallet.encrypt) in localStorage, and
// exportable and importable as that file. No token and no plain key is ever stored. An injected EIP-1193 wallet
// (window.ethereum) can sign instead.
import { getAddress, isKeystoreJson, Wallet, type HDNodeWallet } from "ethers";
import type { components } from "../api/schema";

export type TypedData = components["schemas"]["ForwardRequestTypedData"];

const PREFIX = "trellis.keystore.";

/** The address a keystore JSON is for (Web3 Secret Storage stores it without 0x). */
export function keystoreAddress(json: string): string {
  if (!isKeystoreJson(json)) throw new Error("This is not a Web3 Secret Storage keystore file.");
  const address = (JSON.parse(json) as { address?: string }).address;
  if (!address) throw new Error("The keystore file names no address.");
  return getAddress(address.startsWith("0x") ? address : `0x${address}`);
}

/** The addresses whose keystore this browser holds. */
export function storedKeys(): string[] {
  const out: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k?.startsWith(PREFIX)) out.push(getAddress(k.slice(PREFIX.length)));
  }
  return out.sort();
}

export function keystoreOf(address: string): string | null {
  return localStorage.getItem(PREFIX + getAddress(address));
}

/** Creates a new key and keeps it encrypted under `passphrase`; answers its address. */
export async function createKey(passphrase: string, onProgress?: (p: number) => void): Promise<string> {
  if (passphrase.length < 8) throw new Error("Choose a passphrase of at least 8 characters.");
  const wallet = Wallet.createRandom();
  const json = await wallet.encrypt(passphrase, onProgress);
  localStorage.setItem(PREFIX + wallet.address, json);
  return wallet.address;
}

/** Imports a keystore file after checking that `passphrase` opens it; answers its address. */
export async function importKeystore(json: string, passphrase: string): Promise<string> {
  const address = keystoreAddress(json);
  const wallet = await Wallet.fromEncryptedJson(json, passphrase);
  if (wallet.address !== address) throw new Error("The keystore's key does not match its address.");
  localStorage.setItem(PREFIX + address, json);
  return address;
}

/** The keystore file of `address`, to download and keep elsewhere. */
export function exportKeystore(address: string): Blob {
  const json = keystoreOf(address);
  if (!json) throw new Error(`This browser holds no key for ${address}.`);
  return new Blob([json], { type: "application/json" });
}

export function forgetKey(address: string): void {
  localStorage.removeItem(PREFIX + getAddress(address));
}

/** Opens the keystore of `address` with `passphrase` (throws "invalid password" on a wrong one). */
export async function unlock(address: string, passphrase: string): Promise<Wallet | HDNodeWallet> {
  const json = keystoreOf(address);
  if (!json) throw new Error(`This browser holds no key for ${address}; create or import it first.`);
  return Wallet.fromEncryptedJson(json, passphrase);
}

/** Signs a signing request's typed data with an unlocked key (ethers derives the EIP712Domain type itself). */
export async function signWithKey(wallet: Wallet | HDNodeWallet, typedData: TypedData): Promise<string> {
  const { EIP712Domain: _domain, ...types } = typedData.types;
  return wallet.signTypedData(typedData.domain, types, typedData.message);
}

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** The injected EIP-1193 wallet, if the browser has one. */
export function injectedWallet(): Eip1193 | undefined {
  return (globalThis as { ethereum?: Eip1193 }).ethereum;
}

/** Signs with the injected wallet (eth_signTypedData_v4), after checking it holds the request's account. */
export async function signWithInjected(wallet: Eip1193, typedData: TypedData): Promise<string> {
  const accounts = (await wallet.request({ method: "eth_requestAccounts" })) as string[];
  const from = getAddress(typedData.message.from);
  if (!accounts.map((a) => getAddress(a)).includes(from)) throw new Error(`The browser wallet does not hold ${from}.`);
  return (await wallet.request({ method: "eth_signTypedData_v4", params: [from, JSON.stringify(typedData)] })) as string;
}
