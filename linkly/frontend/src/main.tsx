import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { Dashboard } from './Dashboard.tsx';
import { worker } from './iii.ts';
import './style.css';

// For the curious: `iii.trigger({function_id: 'link::create', payload: {url: 'iii.dev'}})` in the devtools console.
(window as unknown as { iii: typeof worker }).iii = worker;

const view = new URLSearchParams(location.search).get('view');
createRoot(document.getElementById('root')!).render(<StrictMode>{view === 'dashboard' ? <Dashboard /> : <App />}</StrictMode>);
