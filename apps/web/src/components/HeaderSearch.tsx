import { type FormEvent, useEffect, useRef, useState } from "react";
import { useLocation, useSearchParams } from "wouter";

/**
 * Staff's one search box (issue 18): Enter opens /search with the query; `/` anywhere outside a field
 * focuses it. People, a referral's R-number or a community report's CR-number.
 */
export function HeaderSearch() {
  const [location, navigate] = useLocation();
  const [params] = useSearchParams();
  const current = location === "/search" ? (params.get("q") ?? "") : "";
  const [query, setQuery] = useState(current);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setQuery(current), [current]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest("input, textarea, select, [contenteditable='true']");
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = query.trim();
    if (text) navigate(`/search?q=${encodeURIComponent(text)}`);
  };
  return (
    <search className="topbar-search">
      <form onSubmit={submit}>
        <label htmlFor="global-search" className="visually-hidden">
          Search people, referrals (R-123) and community reports (CR-2026-000123)
        </label>
        <input
          ref={input}
          id="global-search"
          type="search"
          enterKeyHint="search"
          placeholder="Search people, R-123, CR-…"
          autoComplete="off"
          spellCheck={false}
          maxLength={60}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="button button-quiet">
          Search
        </button>
      </form>
    </search>
  );
}
