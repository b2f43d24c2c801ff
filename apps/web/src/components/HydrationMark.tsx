'use client';
// Marks the document once React has hydrated it: the page answers input from here on (the browser
// tests and the bench wait for it).
import { useEffect } from 'react';

export function HydrationMark() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = String(Math.round(performance.now()));
  }, []);
  return null;
}
