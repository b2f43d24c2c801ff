'use client';
// The figures' code (the charting library) loads after the page has hydrated, so the epoch page is
// interactive before the charts are drawn (a line says they are loading meanwhile).
import dynamic from 'next/dynamic';

export const LazyEpochFigures = dynamic(() => import('./EpochFigures').then((m) => m.EpochFigures), {
  ssr: false,
  loading: () => <p className="muted">Loading the figures…</p>,
});
